from langchain_community.agent_toolkits.load_tools import load_tools

FETCHERS = ("requests_get", "wikipedia")


def fetch_tools(llm):
    # the declared range still admits releases without the gate
    # ruleid: agent-request-tool
    return load_tools(FETCHERS, llm=llm)
