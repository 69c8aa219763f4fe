from langchain_community.agent_toolkits.load_tools import load_tools

from .settings import settings


def from_settings(llm):
    names = ["requests_post", "llm-math"]
    # ruleid: agent-request-tool-opted-in
    return load_tools(names, llm=llm, allow_dangerous_tools=settings.allow_web_tools)


def from_options(llm, **options):
    # ruleid: agent-request-tool-opted-in
    return load_tools(["requests_get"], llm=llm, **options)


def always(llm):
    # ruleid: agent-dangerous-flag, agent-request-tool-opted-in
    return load_tools(tool_names=["requests_patch"], llm=llm, allow_dangerous_tools=True)
