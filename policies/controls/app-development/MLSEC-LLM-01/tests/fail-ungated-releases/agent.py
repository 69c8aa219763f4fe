from langchain.agents import load_tools


def web_tools():
    # before the gate, every request tool is given to the agent
    # ruleid: agent-request-tool
    return load_tools(["requests_all"])


def refused_only_by_newer_releases():
    # releases before the gate take no such option: the tool is given all the same
    # ruleid: agent-request-tool
    return load_tools(["requests_get"], allow_dangerous_tools=False)
