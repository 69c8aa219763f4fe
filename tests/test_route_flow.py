"""Route findings carry where their router was declared and mounted, in every format.

A route decided to require no authentication was decided by looking at its router (declared
without an authenticating dependency) and at each ``include_router`` up to the app (none adds
one). One real scan of a three-level chain (route on a router, mounted on an API router,
mounted on the app) and of the exposed-server fixture of MLSEC-SERVE-09 checks that those
places are the finding's flow: JSON, SARIF ``relatedLocations`` and ``codeFlows``, and "via
file:line" on the console, in Markdown and in HTML (read in a real browser).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, write_tree
from tests.support.scans import html_trails, scan_to

CHAIN = {
    "svc/__init__.py": "",
    "svc/api/__init__.py": "",
    "svc/api/routes/__init__.py": "",
    "svc/main.py": """\
from fastapi import FastAPI

from .api import v1

app = FastAPI(title="inference")
app.include_router(v1.api)
""",
    "svc/api/v1.py": """\
from fastapi import APIRouter

from .routes import chat

api = APIRouter(prefix="/v1")
api.include_router(chat.router)
""",
    "svc/api/routes/chat.py": """\
from fastapi import APIRouter, Depends

from ..db import session

router = APIRouter(dependencies=[Depends(session)])


@router.post("/chat/completions")
def completions(body: dict):
    return {"choices": []}
""",
    "svc/api/db.py": "def session():\n    yield None\n",
}
STEPS = [
    (
        "svc/api/routes/chat.py",
        5,
        "router 'router' declared here with no authenticating dependency",
    ),
    ("svc/api/v1.py", 6, "mounted here by api.include_router with no authenticating dependency"),
    ("svc/main.py", 6, "mounted here by app.include_router with no authenticating dependency"),
]
"""The flow of the route's finding: declaration, then each mount out to the app."""
SERVERS = REPO / "policies/controls/service-exposure/MLSEC-SERVE-09/tests/fail-servers"
FORMATS = ("json", "sarif", "markdown", "html")


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Scan the three-level chain once; return every format's text."""
    tmp = tmp_path_factory.mktemp("routes")
    return scan_to(write_tree(tmp / "repo", CHAIN), tmp / "report", FORMATS)


def _flows(data: dict[str, Any], control: str) -> dict[str, list[tuple[str, int, str]]]:
    """Return each finding's flow of a control, by ``path:line``."""
    return {
        f"{f['location']['path']}:{f['location']['start_line']}": [
            (s["location"]["path"], s["location"]["start_line"], s["message"]) for s in f["flow"]
        ]
        for r in data["results"]
        if r["control"]["id"] == control
        for f in r["findings"]
    }


def test_an_open_route_names_its_router_and_every_mount(chain: dict[str, Any]) -> None:
    assert _flows(chain["data"], "MLSEC-SERVE-01") == {"svc/api/routes/chat.py:8": STEPS}


def test_sarif_links_the_router_and_the_mounts(chain: dict[str, Any]) -> None:
    sarif = json.loads(chain["sarif"])
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "MLSEC-SERVE-01")
    related = [
        (
            p["physicalLocation"]["artifactLocation"]["uri"],
            p["physicalLocation"]["region"]["startLine"],
            p["message"]["text"],
        )
        for p in result["relatedLocations"]
    ]
    assert related == STEPS
    thread = result["codeFlows"][0]["threadFlows"][0]["locations"]
    lines = [s["location"]["physicalLocation"]["region"]["startLine"] for s in thread]
    assert lines == [5, 6, 6, 8]


def test_console_and_markdown_show_the_chain(chain: dict[str, Any]) -> None:
    via = "via " + ", ".join(f"{path}:{line} ({message})" for path, line, message in STEPS)
    assert via in chain["console"]
    assert via.replace("_", "\\_") in chain["markdown"]  # Markdown escapes the underscores


def test_the_html_report_shows_the_chain_in_a_real_browser(
    chain: dict[str, Any], tmp_path: Path
) -> None:
    notes = " | ".join(html_trails(chain["html"], tmp_path))
    for path, line, message in STEPS:
        assert f"{path}:{line} ({message})" in notes


def test_an_exposed_server_names_the_open_route_and_its_router(tmp_path: Path) -> None:
    data = scan_to(SERVERS, tmp_path / "r", ("json",))["data"]
    flows = _flows(data, "MLSEC-SERVE-09")
    assert flows["pkg/main.py:14"] == [
        ("pkg/routers/gen.py", 6, "route POST /images/generations requires no authentication"),
        (
            "pkg/routers/gen.py",
            3,
            "router 'router' declared here with no authenticating dependency",
        ),
        ("pkg/main.py", 8, "mounted here by app.include_router with no authenticating dependency"),
    ]
    assert flows["serve.py:16"] == [
        ("serve.py", 10, "route POST /predict requires no authentication"),
        ("serve.py", 7, "app 'app' declared here with no authenticating dependency"),
    ]
    assert flows["ui.py:16"] == []  # a Gradio launch is decided at the call alone
