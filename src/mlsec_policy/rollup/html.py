"""The organisation record as one self-contained HTML page: a heatmap and the moves.

The page has no script and no external resource; a strict Content-Security-Policy says so.
Every cell of the heatmap carries its status as text as well as colour.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2

from mlsec_policy.report.html import page_environment
from mlsec_policy.rollup.view import build


def render(document: Mapping[str, Any]) -> str:
    """Return the HTML page of the merged ``document``; the same input gives the same bytes."""
    view = build(document)
    titles = {p["id"]: p["title"] for p in view.summary["phases"]}
    controls = {c["id"]: c for c in view.summary["controls"]}
    waivers = sorted(
        (
            (record["name"], waiver)
            for record in document["repositories"]
            for waiver in record["expiring_waivers"]
        ),
        key=lambda row: (row[1]["expires"], row[0]),
    )
    page = (
        _environment()
        .get_template("org.html.j2")
        .render(
            doc=document,
            view=view,
            titles=titles,
            controls=controls,
            waivers=waivers,
            trend=document.get("trend"),
            css=_css(),
        )
    )
    return page if page.endswith("\n") else page + "\n"


@cache
def _environment() -> jinja2.Environment:
    return page_environment("mlsec_policy.rollup")


@cache
def _css() -> str:
    base = files("mlsec_policy.report").joinpath("templates", "report.css").read_text("utf-8")
    extra = files("mlsec_policy.rollup").joinpath("templates", "org.css").read_text("utf-8")
    return base + extra
