from langchain.agents import load_tools
from langchain_openai import ChatOpenAI

SHELL_TOOLS = ["terminal", "llm-math"]
CODE_TOOLS = ("python_repl",)

llm = ChatOpenAI(model="gpt-4o-mini")


def shell_agent():
    # ruleid: agent-code-or-shell-tool
    return load_tools(SHELL_TOOLS, llm=llm)


def code_agent():
    # ruleid: agent-code-or-shell-tool
    return load_tools(CODE_TOOLS, llm=llm)


class Builder:
    tool_names = ["shell", "wikipedia"]

    def tools(self):
        # ruleid: agent-code-or-shell-tool
        return load_tools(self.tool_names, llm=llm)


def from_a_variable():
    names = ("llm-math", "terminal")
    # ruleid: agent-code-or-shell-tool
    return load_tools(names, llm=llm)


def keyword_form():
    # ruleid: agent-code-or-shell-tool
    return load_tools(tool_names=["python_repl"], llm=llm)


def grown():
    names = ["wikipedia"]
    names.append("terminal")
    # ruleid: agent-code-or-shell-tool
    return load_tools(names, llm=llm)


def concatenated():
    # ruleid: agent-code-or-shell-tool
    return load_tools(["wikipedia"] + SHELL_TOOLS, llm=llm)


WEB_TOOLS = ("requests_get", "wikipedia")


def browsing_agent():
    # ruleid: agent-request-tool
    return load_tools(WEB_TOOLS, llm=llm)


def grown_web():
    names = ["arxiv"]
    names.extend(["requests_all"])
    # ruleid: agent-request-tool
    return load_tools(tool_names=names, llm=llm)


class WebBuilder:
    tool_names = ["requests_post"]

    def tools(self):
        # ruleid: agent-request-tool
        return load_tools(self.tool_names, llm=llm)
