"""Turn a Helm template into YAML that parses, line for line.

Lines holding only template actions (``{{- if ... }}``, ``{{- end }}``, ``{{ include ... }}``)
become blank; expressions inside a value are replaced by a placeholder word; comments spanning
several lines keep their line breaks. The result is not the rendered chart, but every literal
line of the template is still there, at its original line, for the YAML checks to read.
"""

from __future__ import annotations

import re

from mlsec_policy.views.base import View

PLACEHOLDER = "HELM_TEMPLATE_VALUE"
_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_ACTION_ONLY = re.compile(r"^\s*(\{\{.*?\}\}\s*)+$")


def helm_view(text: str, file_name: str) -> View:
    """Return the neutralised YAML view of Helm template ``text``."""
    # multi-line actions (comments, long expressions) keep only their newlines
    flattened = _ACTION.sub(lambda m: _keep_newlines(m.group(0)), text)
    lines = []
    for line in flattened.split("\n"):
        if _ACTION_ONLY.match(line):
            lines.append("")
        else:
            lines.append(_ACTION.sub(PLACEHOLDER, line))
    return View("\n".join(lines), file_name)


def _keep_newlines(action: str) -> str:
    if "\n" not in action:
        return action
    return "{{ }}" + "\n" * action.count("\n")
