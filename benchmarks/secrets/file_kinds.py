r"""Write one example value into each kind of file the secrets issue lists.

Every renderer takes a :class:`Placement` (the setting name and the value) and returns the file
to write, with the 1-based lines that hold the example, so that a finding can be mapped back to
exactly one example. Values are escaped the way each format escapes them (JSON-style escapes
in Python, YAML, TOML and JSON strings; ``\$`` in Dockerfiles; a newline becomes ``\n``), as a
developer pasting the value would write it.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PLAIN_YAML = re.compile(r"[A-Za-z0-9_][\w.\-/+=~]*")
_PLAIN_ENV = re.compile(r"[\w.\-/+=~:@,%]+")


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an example goes: the setting name (as gitleaks wrote it) and the value."""

    key: str
    value: str
    case: str
    """The case's folder name (``c0001``), unique in the generated repository."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """One generated file and the lines that hold the example."""

    path: str
    text: str
    first: int
    last: int


def env_name(key: str) -> str:
    """Return ``key`` as an environment name: ``huggingfaceToken`` → ``HUGGINGFACE_TOKEN``."""
    words = _CAMEL.sub("_", key)
    name = re.sub(r"\W+", "_", words).strip("_").upper() or "VALUE"
    return f"_{name}" if name[0].isdigit() else name


def py_name(key: str) -> str:
    """Return ``key`` as a Python identifier, keeping its case."""
    name = re.sub(r"\W+", "_", key).strip("_") or "value"
    if name[0].isdigit():
        name = f"_{name}"
    return f"{name}_" if keyword.iskeyword(name) else name


def snake_name(key: str) -> str:
    """Return ``key`` as a snake_case Python name: ``huggingfaceToken`` → ``huggingface_token``."""
    return py_name(env_name(key).lower())


def config_key(key: str) -> str:
    """Return ``key`` usable as a bare key in YAML, TOML and INI (dots become underscores)."""
    return re.sub(r"[^\w\-]+", "_", key).strip("_") or "value"


def quoted(value: str) -> str:
    """Return ``value`` as a double-quoted string with JSON escapes (valid Python/YAML/TOML)."""
    return json.dumps(value, ensure_ascii=False)


def one_line(value: str) -> str:
    r"""Return ``value`` with newlines written as ``\n``, for formats read line by line."""
    return value.replace("\r", "").replace("\n", "\\n")


def _lines(path: str, lines: list[str], first: int, last: int | None = None) -> Rendered:
    return Rendered(path, "\n".join(lines) + "\n", first, last if last is not None else first)


def python_assign(p: Placement) -> Rendered:
    return _lines(f"{p.case}/settings.py", [f"{py_name(p.key)} = {quoted(p.value)}"], 1)


def python_getenv(p: Placement) -> Rendered:
    line = f"{snake_name(p.key)} = os.getenv({quoted(env_name(p.key))}, {quoted(p.value)})"
    return _lines(f"{p.case}/settings.py", ["import os", "", line], 3)


def python_environ_get(p: Placement) -> Rendered:
    call = f"os.environ.get({quoted(env_name(p.key))}, {quoted(p.value)})"
    return _lines(f"{p.case}/settings.py", ["import os", "", f"{snake_name(p.key)} = {call}"], 3)


def python_dataclass(p: Placement) -> Rendered:
    lines = [
        "from dataclasses import dataclass",
        "",
        "",
        "@dataclass",
        "class Settings:",
        f"    {snake_name(p.key)}: str = {quoted(p.value)}",
    ]
    return _lines(f"{p.case}/settings.py", lines, 6)


def _docker_value(value: str) -> str:
    return quoted(one_line(value)).replace("$", "\\$")


def _dockerfile(keyword: str, p: Placement) -> Rendered:
    lines = ["FROM python:3.11-slim", f"{keyword} {env_name(p.key)}={_docker_value(p.value)}"]
    return _lines(f"{p.case}/Dockerfile", lines, 2)


def dockerfile_env(p: Placement) -> Rendered:
    return _dockerfile("ENV", p)


def dockerfile_arg(p: Placement) -> Rendered:
    return _dockerfile("ARG", p)


def yaml_config(p: Placement) -> Rendered:
    lines = ["service:", "  name: demo", f"  {config_key(p.key)}: {quoted(p.value)}"]
    return _lines(f"{p.case}/config.yaml", lines, 3)


def toml_config(p: Placement) -> Rendered:
    lines = ["[service]", 'name = "demo"', f"{config_key(p.key)} = {quoted(p.value)}"]
    return _lines(f"{p.case}/settings.toml", lines, 3)


def ini_config(p: Placement) -> Rendered:
    lines = ["[service]", "name = demo", f"{config_key(p.key)} = {one_line(p.value)}"]
    return _lines(f"{p.case}/settings.ini", lines, 3)


def json_config(p: Placement) -> Rendered:
    body = {"service": {"name": "demo", p.key: p.value}}
    text = json.dumps(body, indent=2, ensure_ascii=False)
    return _lines(f"{p.case}/config.json", text.splitlines(), 4)


def _env_value(value: str) -> str:
    flat = one_line(value)
    return flat if _PLAIN_ENV.fullmatch(flat) else quoted(value)


def dotenv(p: Placement) -> Rendered:
    return _lines(f"{p.case}/.env", [f"{env_name(p.key)}={_env_value(p.value)}"], 1)


def compose_env(p: Placement) -> Rendered:
    item = f"{env_name(p.key)}={one_line(p.value)}"
    item = item if _PLAIN_YAML.fullmatch(item) else quoted(item)
    lines = [
        "services:",
        "  app:",
        "    image: demo/app:1.0",
        "    environment:",
        f"      - {item}",
    ]
    return _lines(f"{p.case}/docker-compose.yml", lines, 5)


def k8s_env(p: Placement) -> Rendered:
    lines = [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: app",
        "spec:",
        "  selector:",
        "    matchLabels: {app: app}",
        "  template:",
        "    metadata:",
        "      labels: {app: app}",
        "    spec:",
        "      containers:",
        "        - name: app",
        "          image: demo/app:1.0",
        "          env:",
        f"            - name: {env_name(p.key)}",
        f"              value: {quoted(p.value)}",
    ]
    return _lines(f"{p.case}/deployment.yaml", lines, 16, 17)


def ci_workflow(p: Placement) -> Rendered:
    lines = [
        "name: ci",
        "on: [push]",
        "jobs:",
        "  test:",
        "    runs-on: ubuntu-latest",
        "    env:",
        f"      {env_name(p.key)}: {quoted(p.value)}",
        "    steps:",
        "      - run: echo ok",
    ]
    return _lines(f".github/workflows/{p.case}.yml", lines, 7)


def _notebook(path: str, source: list[str], output: list[str] | None, needle: str) -> Rendered:
    cell: dict[str, object] = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": [],
        "source": source,
    }
    if output is not None:
        cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": output}]
    notebook = {
        "cells": [cell],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    lines = json.dumps(notebook, indent=1, ensure_ascii=False).splitlines()
    encoded = json.dumps(needle, ensure_ascii=False)[1:-1]
    number = next(i for i, line in enumerate(lines, start=1) if encoded in line)
    return _lines(path, lines, number)


def notebook_code(p: Placement) -> Rendered:
    line = f"{py_name(p.key)} = {quoted(p.value)}"
    return _notebook(f"{p.case}/analysis.ipynb", [line], None, line)


def notebook_output(p: Placement) -> Rendered:
    name = env_name(p.key)
    source = ["import os\n", f"print({quoted(name + '=')} + os.environ[{quoted(name)}])"]
    printed = f"{name}={one_line(p.value)}\n"
    return _notebook(f"{p.case}/analysis.ipynb", source, [printed], printed)


Renderer = Callable[[Placement], Rendered]

KINDS: dict[str, Renderer] = {
    "py-assign": python_assign,
    "py-getenv": python_getenv,
    "py-environ-get": python_environ_get,
    "py-dataclass": python_dataclass,
    "dockerfile-env": dockerfile_env,
    "dockerfile-arg": dockerfile_arg,
    "yaml": yaml_config,
    "toml": toml_config,
    "ini": ini_config,
    "json": json_config,
    "dotenv": dotenv,
    "compose-env": compose_env,
    "k8s-env": k8s_env,
    "notebook-code": notebook_code,
    "notebook-output": notebook_output,
    "ci-env": ci_workflow,
}
"""Every embedding, by the name used in the result tables."""


def verbatim(case: str, text: str) -> Rendered:
    """Return the example as gitleaks wrote it, alone in a text file (all its lines count)."""
    body = text if text.endswith("\n") else text + "\n"
    return Rendered(f"{case}/example.txt", body, 1, body.count("\n"))
