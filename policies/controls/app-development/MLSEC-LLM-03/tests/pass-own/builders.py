"""Templates the program writes itself, keeps in its own template folder, sandboxes, or
takes from its operator's command line."""

from pathlib import Path
from string import Template as Dollar

import click
import flask
import jinja2
from jinja2 import Environment, FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

HERE = Path(__file__).parent
GREETING = "Hello {{ name }}"


def greet(name):
    # ok: template-text-unknown-origin-unsandboxed
    return jinja2.Template(GREETING).render(name=name)


def footer(year):
    # ok: template-text-unknown-origin-unsandboxed
    return jinja2.Environment().from_string("(c) {{ year }}").render(year=year)


class Library:
    def __init__(self, folder=HERE / "templates"):
        self.env = Environment(loader=FileSystemLoader(folder), trim_blocks=True)

    def joined(self, names, separator="\n"):
        parts = [self.env.loader.get_source(self.env, n)[0] for n in names]
        # ok: template-text-unknown-origin-unsandboxed
        return self.env.from_string(separator.join(parts))


class SafeComposer:
    def __init__(self, template_text):
        self._env = SandboxedEnvironment()
        # ok: template-text-unknown-origin-unsandboxed
        self.compiled = self._env.from_string(template_text)


def shell_style(text, **values):
    # not Jinja: $-placeholders only
    # ok: template-text-unknown-origin-unsandboxed
    return Dollar(text).safe_substitute(**values)


@click.command()
@click.argument("layout")
def preview(layout):
    # ok: template-text-unknown-origin-unsandboxed
    click.echo(jinja2.Template(layout).render())


class ImageChatHandler:
    CHAT_FORMAT = "{% for m in messages %}{{ m.content }}{% endfor %}"

    def __call__(self, messages):
        # ok: template-text-unknown-origin-unsandboxed
        layout = jinja2.Template(self.CHAT_FORMAT)
        return layout.render(messages=messages)


class StatusPage:
    LAYOUT = "<h1>{{ title }}</h1>{% for row in rows %}<p>{{ row }}</p>{% endfor %}"

    def __init__(self):
        self.env = jinja2.Environment(autoescape=True)

    def render(self, title, rows):
        # ok: template-text-unknown-origin-unsandboxed
        return self.env.from_string(self.LAYOUT).render(title=title, rows=rows)


def status_badge(state):
    # ok: template-text-unknown-origin-unsandboxed
    return flask.render_template_string("<span class='{{ s }}'>{{ s }}</span>", s=state)


def render_with_partials(template_dir, main_text, **values):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dir))
    # ok: template-text-unknown-origin-unsandboxed
    return env.from_string(main_text).render(**values)


def render_packaged(main_text, **values):
    env = jinja2.Environment(loader=jinja2.PackageLoader("reports", "templates"))
    # ok: template-text-unknown-origin-unsandboxed
    return env.from_string(main_text).render(**values)


class PackagedReports:
    def __init__(self):
        self.env = jinja2.Environment(loader=jinja2.PackageLoader("reports", "templates"))

    def render_inline(self, text, **values):
        # ok: template-text-unknown-origin-unsandboxed
        return self.env.from_string(text).render(**values)


@click.command()
@click.option("--layout", required=True)
def preview_option(layout):
    # ok: template-text-unknown-origin-unsandboxed
    click.echo(jinja2.Template(layout).render())
