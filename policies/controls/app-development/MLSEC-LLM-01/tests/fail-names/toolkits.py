from langchain_community import tools as community_tools
from langchain_community.agent_toolkits import RequestsToolkit
from langchain_community.agent_toolkits.load_tools import load_tools
from langchain_community.utilities.requests import TextRequestsWrapper
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini")


def http_toolkit():
    # ruleid: agent-dangerous-flag
    return RequestsToolkit(requests_wrapper=TextRequestsWrapper(), allow_dangerous_requests=True)


def dangerous_names(names):
    # ruleid: agent-dangerous-flag
    return load_tools(names, llm=llm, allow_dangerous_tools=True)


def shell_through_the_module():
    # ruleid: agent-code-or-shell-tool
    return [community_tools.ShellTool()]


def shell_in_a_tuple():
    # ruleid: agent-code-or-shell-tool
    return load_tools(("llm-math", "terminal"), llm=llm)


def shell_added_later():
    names = ["wikipedia"]
    names.extend(["python_repl"])
    # ruleid: agent-code-or-shell-tool
    return load_tools(tool_names=names, llm=llm)


def requests_in_a_tuple():
    # ruleid: agent-request-tool
    return load_tools(("requests_get",), llm=llm)


def requests_by_keyword():
    # ruleid: agent-request-tool
    return load_tools(tool_names=["wikipedia", "requests_all"], llm=llm)


def requests_appended():
    names = ["wikipedia"]
    names.append("requests_post")
    # ruleid: agent-request-tool
    return load_tools(names, llm=llm)
