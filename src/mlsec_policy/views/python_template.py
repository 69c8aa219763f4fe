"""Read a template of a Python file (Jinja, cookiecutter) as the Python it will render to.

Project templates commit files such as ``{{cookiecutter.project_slug}}/train.py`` whose code
holds template actions (``from {{cookiecutter.module}} import data``, ``{% if ... %}`` lines).
They are not Python, and not broken Python either: once the actions are neutralised (see
:mod:`.helm`), the code around them is what every generated project will run, and is checked as
such. Lines that are still not Python are set aside and listed (see :mod:`.salvage`).
"""

from __future__ import annotations

from mlsec_policy.textfile import looks_templated, template_lines, templated_path
from mlsec_policy.views.base import Omission, View, line_ranges
from mlsec_policy.views.helm import helm_view
from mlsec_policy.views.salvage import parse_error, salvage


def python_template_view(text: str, path: str) -> View | None:
    """Return the neutralised Python of a template of a Python file, or None if it is not one.

    A file counts as a template when it is not Python and either sits in a project template
    (a folder named ``{{cookiecutter.name}}``) or its first syntax error is on a line holding a
    template action and goes away once the actions are neutralised. A Python file that is
    simply broken (its error stays where it was) is not a template: semgrep reports it.
    """
    if not looks_templated(text):
        return None
    error = parse_error(text)
    if error is None:
        return None
    neutral = helm_view(text, "template.py").text
    if not templated_path(path):
        if error.lineno not in template_lines(text):
            return None
        still = parse_error(neutral)
        if still is not None and still.lineno == error.lineno:
            return None
    kept = salvage(neutral.split("\n"))
    omitted: tuple[Omission, ...] = ()
    why = "a template of a Python file that is not Python once its template actions are removed"
    if kept.whole:
        omitted = (Omission(None, f"{why} ({kept.reason}); it was not checked"),)
    elif kept.set_aside:
        where = line_ranges(kept.set_aside)
        omitted = (Omission(kept.set_aside[0], f"{where}: {why} ({kept.reason}); not checked"),)
    return View("\n".join(kept.lines), "template.py", None, omitted)
