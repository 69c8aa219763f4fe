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
