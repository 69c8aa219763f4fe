"""Templates compiled from text the code was handed: a constructor argument, a setting,
a formatter's parameter."""

import flask
import jinja2
from jinja2 import Environment
from jinja2 import Template as Jinja


class PromptComposer:
    def __init__(self, template_text: str, extra_vars=None):
        self._source = template_text
        # ruleid: template-text-unknown-origin-unsandboxed
        self.compiled = jinja2.Template(template_text)

    def run(self, override=None, **values):
        compiled = self.compiled
        if override:
            # ruleid: template-text-unknown-origin-unsandboxed
            compiled = Jinja(override)
        return compiled.render(**values)


class SummaryTask:
    def __init__(self, settings):
        self._prompt = settings["prompt_template"]

    def prompts(self, docs):
        env = Environment()
        # ruleid: template-text-unknown-origin-unsandboxed
        body = env.from_string(self._prompt)
        return [body.render(text=d) for d in docs]


class TurnFormatter:
    def __init__(self, layout, stop_words):
        self.layout = layout
        self.stop_words = stop_words
        self._renderer = Environment(
            trim_blocks=True,
            lstrip_blocks=True,
        # ruleid: template-text-unknown-origin-unsandboxed
        ).from_string(self.layout)


class ChatLayout:
    def __init__(self):
        self.jinja = jinja2.Environment(autoescape=False)

    def render(self, spec, turns):
        # ruleid: template-text-unknown-origin-unsandboxed
        return self.jinja.from_string(spec.layout).render(turns=turns)


def format_with_jinja(layout: str, **values) -> str:
    # ruleid: template-text-unknown-origin-unsandboxed
    return Jinja(f"{layout}\n").render(**values)


def render_file(path, **values):
    with open(path) as handle:
        # ruleid: template-text-unknown-origin-unsandboxed
        return jinja2.Template(source=handle.read()).render(**values)


def render_snippet(snippet, **values):
    # ruleid: template-text-unknown-origin-unsandboxed
    return flask.render_template_string(snippet, **values)
