from langchain_community import tools as community_tools
from langchain_community.agent_toolkits import RequestsToolkit
from langchain_community.agent_toolkits.load_tools import load_tools
from langchain_community.utilities.requests import TextRequestsWrapper
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini")


def http_toolkit():
    # ok: agent-dangerous-flag
    return RequestsToolkit(requests_wrapper=TextRequestsWrapper(), allow_dangerous_requests=False)


def named_tools(names):
    # ok: agent-dangerous-flag
    return load_tools(names, llm=llm)


def search_through_the_module():
    # ok: agent-code-or-shell-tool
    return [community_tools.DuckDuckGoSearchRun()]


def math_in_a_tuple():
    # ok: agent-code-or-shell-tool
    return load_tools(("llm-math", "wikipedia"), llm=llm)


def math_added_later():
    names = ["wikipedia"]
    names.extend(["llm-math"])
    # ok: agent-code-or-shell-tool
    return load_tools(tool_names=names, llm=llm)


def search_by_keyword():
    # ok: agent-request-tool
    return load_tools(tool_names=["wikipedia", "arxiv"], llm=llm)


def search_appended():
    names = ["wikipedia"]
    names.append("arxiv")
    # ok: agent-request-tool
    return load_tools(names, llm=llm)
