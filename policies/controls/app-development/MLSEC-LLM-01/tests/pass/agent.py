from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini")
PRICES = {"basic": 10, "pro": 30}


@tool
def price(plan: str) -> int:
    """Return the monthly price of a plan."""
    return PRICES[plan]


def tools():
    # ok: agent-code-or-shell-tool, agent-dangerous-flag
    return [price]


def bind():
    # ok: agent-code-or-shell-tool, agent-dangerous-flag
    return llm.bind_tools(tools())


def legacy_tools():
    from langchain.agents import load_tools

    # ok: agent-code-or-shell-tool
    return load_tools(["llm-math", "wikipedia"], llm=llm)


def search_tools():
    from langchain.agents import load_tools

    names = ["wikipedia", "llm-math"]
    # ok: agent-code-or-shell-tool, agent-request-tool
    return load_tools(names, llm=llm)
