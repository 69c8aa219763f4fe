"""The exposed-servers analyzer: which host values are every interface by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import RepoContext
from mlsec_policy.analyzers.params import NoParams
from mlsec_policy.analyzers.web_routes.exposure import exposed_servers
from mlsec_policy.analyzers.web_routes.route_flow import MAX_MOUNTS
from mlsec_policy.discover import discover
from tests.conftest import write_tree

APP = (
    "import os, uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n"
    "@app.post('/predict')\ndef p(body: dict): ...\n"
)


def _findings(root: Path) -> list[str]:
    inventory = discover(root)
    context = RepoContext(root, inventory.artifacts, inventory.artifacts)
    found = exposed_servers(context, NoParams())
    return [f"{o.location.path}:{o.location.start_line}" for o in found]


@pytest.mark.parametrize(
    ("host", "reported"),
    [
        ("'0.0.0.0'", True),
        ("'::'", True),
        ("os.getenv('HOST') or '0.0.0.0'", True),
        ("os.environ.get('HOST', '[::]')", True),
        ("os.environ['HOST']", False),
        ("'0.0.0.0' if os.environ.get('PUBLIC') else '127.0.0.1'", False),
        ("'127.0.0.1'", False),
        ("'localhost'", False),
    ],
)
def test_host_values(tmp_path: Path, host: str, reported: bool) -> None:
    root = write_tree(tmp_path, {"serve.py": APP + f"uvicorn.run(app, host={host})\n"})
    assert _findings(root) == (["serve.py:6"] if reported else [])


def test_options_of_other_modules_must_all_default_to_every_interface(tmp_path: Path) -> None:
    main = "from .cli import args\n" + APP + "uvicorn.run(app, host=args.host)\n"
    parser = "import argparse\np = argparse.ArgumentParser()\n"
    one = parser + "p.add_argument('--host', default='0.0.0.0')\n"
    two = parser + "p.add_argument('--host', default='localhost')\n"
    root = write_tree(tmp_path, {"a/serve.py": main, "a/cli.py": one})
    assert _findings(root) == ["a/serve.py:7"]
    write_tree(tmp_path, {"b/other.py": two})
    assert _findings(root) == []


def _router_chain(depth: int) -> dict[str, str]:
    """Return an app that includes r1, r1 includes r2 ... and only r``depth`` has a route."""
    serve = (
        "import uvicorn\nfrom fastapi import FastAPI\nfrom .r1 import router\napp = FastAPI()\n"
        "app.include_router(router)\nuvicorn.run(app, host='0.0.0.0')\n"
    )
    tree = {"pkg/__init__.py": "", "pkg/serve.py": serve}
    for level in range(1, depth + 1):
        text = "from fastapi import APIRouter\nrouter = APIRouter()\n"
        if level < depth:
            text += f"from .r{level + 1} import router as inner\nrouter.include_router(inner)\n"
        else:
            text += "@router.post('/predict')\ndef p(body: dict): ...\n"
        tree[f"pkg/r{level}.py"] = text
    return tree


@pytest.mark.parametrize(
    ("depth", "reported"), [(1, True), (MAX_MOUNTS, True), (MAX_MOUNTS + 1, False)]
)
def test_inclusions_are_followed_to_a_bounded_depth(
    tmp_path: Path, depth: int, reported: bool
) -> None:
    root = write_tree(tmp_path, _router_chain(depth))
    assert _findings(root) == (["pkg/serve.py:6"] if reported else [])
