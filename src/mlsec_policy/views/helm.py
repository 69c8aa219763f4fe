"""Turn a Helm (Go) or Jinja template into YAML that parses, line for line.

Lines holding only template actions (``{{- if ... }}``, ``{{- end }}``, ``{% for ... %}``,
``{{ include ... }}``) become blank; an expression inside a value is replaced by a placeholder
word; an inline control action (``- {{ if .Values.x }}``) or comment disappears; actions
spanning several lines keep their line breaks. The result is not the rendered chart, but every
literal line of the template is still there, at its original line, for the YAML checks to read.

:func:`output_lines` tells which blanked lines produce content (``{{ toYaml .Values.x }}``,
``{{ include ... }}``): a check that looks for a missing setting must not claim it is missing
where the template fills it in. :func:`conditional_lines` tells which lines only render when a
value says so (inside an ``if``, ``with``, ``range`` or ``for`` block opened within a document):
a chart that offers ``hostNetwork: true`` behind a switch does not set it.
"""

from __future__ import annotations

import re

from mlsec_policy.views.base import View

PLACEHOLDER = "HELM_TEMPLATE_VALUE"
TEMPLATE_FORMATS = frozenset({"helm-template", "jinja-template"})
"""Artifact formats read through this view."""

_ACTION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_ACTION_ONLY = re.compile(r"^\s*((\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})\s*)+$")
_BODY = re.compile(r"^(\{\{|\{%|\{#)-?\s*(.*?)\s*-?(\}\}|%\}|#\})$", re.DOTALL)
_CONTROL_WORDS = frozenset(
    {
        "if",
        "else",
        "elif",
        "end",
        "endif",
        "with",
        "range",
        "define",
        "for",
        "endfor",
        "set",
        "endset",
        "macro",
        "endmacro",
        "block",
        "endblock",
        "raw",
        "endraw",
    }
)
_ASSIGNMENT = re.compile(r"^\$[\w.]*\s*:?=")
_OPENERS = frozenset({"if", "with", "range", "for"})
_CLOSERS = frozenset({"end", "endif", "endfor", "endwith"})


def helm_view(text: str, file_name: str) -> View:
    """Return the neutralised YAML view of template ``text``."""
    # multi-line actions (comments, long expressions) keep only their newlines
    flattened = _ACTION.sub(lambda m: _keep_newlines(m.group(0)), text)
    lines = []
    for line in flattened.split("\n"):
        if _ACTION_ONLY.match(line):
            lines.append("")
        else:
            lines.append(_ACTION.sub(_inline, line))
    return View("\n".join(lines), file_name)


def output_lines(text: str) -> frozenset[int]:
    """Return the 1-based lines that hold only template actions, at least one producing output."""
    result: set[int] = set()
    for match in _ACTION.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        before, after = text[start : match.start()], text[match.end() : end]
        if before.strip() or _ACTION.sub("", after).strip():
            continue  # the action sits inside a value, not on its own line
        if produces_output(match.group(0)):
            result.add(text.count("\n", 0, match.start()) + 1)
    return frozenset(result)


def conditional_lines(text: str) -> frozenset[int]:
    """Return the lines inside conditional or loop blocks opened within a YAML document.

    Blocks that wrap a whole document (``{{- if .Values.ingress.enabled }}`` before its first
    key) do not count: when they render, everything inside is what the chart ships.
    """
    result: set[int] = set()
    stack: list[tuple[int, bool]] = []
    document_started = False
    position = 0
    for match in _ACTION.finditer(text):
        for raw in text[position : match.start()].split("\n"):
            line = raw.strip()
            if line == "---":
                document_started = False
            elif line and not line.startswith("#"):
                document_started = True
        position = match.end()
        line_number = text.count("\n", 0, match.start()) + 1
        word = _word(match.group(0))
        if word in _OPENERS:
            stack.append((line_number, document_started))
        elif word in _CLOSERS and stack:
            opened, inner = stack.pop()
            if inner:
                result.update(range(opened, line_number + 1))
    return frozenset(result)


def _word(action: str) -> str:
    match = _BODY.match(action.strip())
    if match is None or not match.group(2):
        return ""
    return match.group(2).split()[0]


def produces_output(action: str) -> bool:
    """Return True for an action that writes content (an expression, include, toYaml...)."""
    match = _BODY.match(action.strip())
    if match is None or match.group(1) == "{#":
        return False
    body = match.group(2)
    if not body or body.startswith("/*"):
        return False
    if match.group(1) == "{%":
        return body.split()[0] in {"include", "call", "filter"}
    if _ASSIGNMENT.match(body):
        return False
    return body.split()[0] not in _CONTROL_WORDS


def _inline(match: re.Match[str]) -> str:
    return PLACEHOLDER if produces_output(match.group(0)) else ""


def _keep_newlines(action: str) -> str:
    if "\n" not in action:
        return action
    marker = "{{ value }}" if produces_output(action) else "{{/* */}}"
    return marker + "\n" * action.count("\n")
