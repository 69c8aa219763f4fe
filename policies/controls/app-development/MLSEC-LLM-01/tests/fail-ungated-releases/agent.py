from langchain.agents import load_tools


def web_tools():
    # before the gate, every request tool is given to the agent
    # ruleid: agent-request-tool
    return load_tools(["requests_all"])
