from langchain.agents import load_tools
from langchain_openai import ChatOpenAI

HTTP_TOOLS = ["requests_get", "requests_post"]

llm = ChatOpenAI(model="gpt-4o-mini")


# The rule matches each call below; the declared langchain releases refuse request tools
# without allow_dangerous_tools=True (and expand "requests_all" to nothing), so the version
# context drops the matches and the case passes.


def http_tools():
    # ruleid: agent-request-tool
    return load_tools(["requests_all"])


def configured_tools():
    # ruleid: agent-request-tool
    return load_tools(HTTP_TOOLS, llm=llm)


def explicitly_refused():
    names = ["wikipedia"]
    names.append("requests_put")
    # ruleid: agent-request-tool
    return load_tools(tool_names=names, llm=llm, allow_dangerous_tools=False)


def register(names, allow_dangerous_tools=False):
    return [name for name in names if allow_dangerous_tools or not name.startswith("requests")]


def registry_lookalike(flag):
    # not LangChain's load_tools: a registry of our own with the same keyword
    # ok: agent-request-tool, agent-request-tool-opted-in
    return register(["requests_get"], allow_dangerous_tools=flag)
