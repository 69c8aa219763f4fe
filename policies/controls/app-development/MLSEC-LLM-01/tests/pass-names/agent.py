import subprocess

from langchain.agents import load_tools
from langchain_openai import ChatOpenAI

SEARCH_TOOLS = ["wikipedia", "llm-math"]
MATH_TOOLS = ("llm-math",)
SHELLS = ("bash", "zsh")

llm = ChatOpenAI(model="gpt-4o-mini")


def search_agent():
    # ok: agent-code-or-shell-tool, agent-request-tool
    return load_tools(SEARCH_TOOLS, llm=llm)


def math_agent():
    # ok: agent-code-or-shell-tool, agent-request-tool
    return load_tools(MATH_TOOLS, llm=llm)


class Builder:
    tool_names = ["wikipedia", "arxiv"]

    def tools(self):
        # ok: agent-code-or-shell-tool, agent-request-tool
        return load_tools(self.tool_names, llm=llm)


def run_locally():
    names = ["terminal", "python_repl"]
    return subprocess.run(["echo", *names], check=True)


def from_a_variable():
    names = ("llm-math", "wikipedia")
    # ok: agent-code-or-shell-tool, agent-request-tool
    return load_tools(names, llm=llm)


def keyword_form():
    # ok: agent-code-or-shell-tool, agent-request-tool
    return load_tools(tool_names=["arxiv"], llm=llm)


def grown():
    names = ["wikipedia"]
    names.append("llm-math")
    # ok: agent-code-or-shell-tool, agent-request-tool
    return load_tools(names, llm=llm)


def concatenated():
    # ok: agent-code-or-shell-tool, agent-request-tool
    return load_tools(["arxiv"] + SEARCH_TOOLS, llm=llm)


WEB_TOOLS = ("wikipedia", "arxiv")
HTTP_LIBRARIES = ["requests", "httpx"]


def browsing_agent():
    # ok: agent-code-or-shell-tool, agent-request-tool
    return load_tools(WEB_TOOLS, llm=llm)


def grown_web():
    names = ["arxiv"]
    names.extend(["wikipedia"])
    # ok: agent-code-or-shell-tool, agent-request-tool
    return load_tools(tool_names=names, llm=llm)


def report_libraries():
    return ", ".join(HTTP_LIBRARIES)
