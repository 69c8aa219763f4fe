from langchain_experimental.agents import create_pandas_dataframe_agent
from langchain_experimental.tools import PythonREPLTool
from langchain_community.tools import ShellTool
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini")


def analyst(frame):
    # ruleid: agent-dangerous-flag
    return create_pandas_dataframe_agent(llm, frame, allow_dangerous_code=True)


def tools():
    # ruleid: agent-code-or-shell-tool
    repl = PythonREPLTool()
    # ruleid: agent-code-or-shell-tool
    shell = ShellTool()
    return [repl, shell]


def legacy_tools():
    from langchain.agents import load_tools

    # ruleid: agent-code-or-shell-tool
    return load_tools(["llm-math", "terminal"], llm=llm)


def tools_from_a_list():
    from langchain.agents import load_tools

    allowed = ["llm-math", "python_repl"]
    # ruleid: agent-code-or-shell-tool
    return load_tools(allowed, llm=llm)


def web_tools():
    from langchain_community.agent_toolkits.load_tools import load_tools

    # ruleid: agent-request-tool
    http = load_tools(["requests_all"])
    names = ["requests_get", "wikipedia"]
    # ruleid: agent-request-tool
    more = load_tools(names)
    return http + more
