from langchain_community.agent_toolkits.load_tools import load_tools


class Toolbox:
    tool_names = ("arxiv", "requests_delete")

    def build(self, llm):
        # ruleid: agent-request-tool
        return load_tools(self.tool_names, llm=llm)
