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


def tuple_of_names(llm):
    # ruleid: agent-dangerous-flag, agent-request-tool-opted-in
    return load_tools(("requests_get",), llm=llm, allow_dangerous_tools=True)


def held_in_a_tuple(llm, **options):
    names = ("arxiv", "requests_put")
    # ruleid: agent-request-tool-opted-in
    return load_tools(tool_names=names, llm=llm, **options)


def appended(llm, allow):
    names = ["wikipedia"]
    names.append("requests_delete")
    # ruleid: agent-request-tool-opted-in
    return load_tools(names, llm=llm, allow_dangerous_tools=allow)


def extended(llm, allow):
    names = ["wikipedia"]
    names.extend(["requests_all"])
    # ruleid: agent-request-tool-opted-in
    return load_tools(names, llm=llm, allow_dangerous_tools=allow)


class WebAgent:
    tool_names = ["requests_get", "arxiv"]

    def tools(self, llm):
        # ruleid: agent-request-tool-opted-in
        return load_tools(self.tool_names, llm=llm, allow_dangerous_tools=settings.web)
