"""The web-route-auth analyzer on real files: routes, guards, cross-file inclusions, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest

from mlsec_policy.analyzers.base import AnalyzerError, RepoContext
from mlsec_policy.analyzers.read.routes import read_module
from mlsec_policy.analyzers.web_routes import (
    WebRouteAuth,
    resolve_module,
    unauthenticated_routes,
)
from mlsec_policy.discover import discover
from tests.conftest import write_tree


def _findings(
    root: Path, report: Literal["routes", "unauthenticated"] = "unauthenticated"
) -> list[str]:
    inventory = discover(root)
    context = RepoContext(root, inventory.artifacts, inventory.artifacts)
    return [
        f"{o.location.path}:{o.location.start_line}"
        for o in unauthenticated_routes(context, WebRouteAuth(report))
    ]


def test_route_guards_are_read_from_dependencies_decorators_and_bodies() -> None:
    facts = read_module(
        "from typing import Annotated\n"
        "from fastapi import Depends, FastAPI, Request\n"
        "app = FastAPI()\n"
        "@app.post('/a')\n"
        "def a(user: Annotated[dict, Depends(get_current_active_user)]): ...\n"
        "@app.post('/b')\n"
        "async def b(request: Request):\n"
        "    if request.headers.get('X-API-Key') != KEY: raise PermissionError\n"
        "@app.api_route('/c', methods=['GET', 'POST'])\n"
        "def c(db=Depends(get_db)): ...\n"
        "@bp.route('/d', methods=['POST'])\n"
        "@auth.login_required\n"
        "def d(): ...\n"
        "@app.post('/e')\n"
        "def e(text: str):\n"
        "    return tokenizer(text)\n"
        "@router.post('/f')\n"
        "async def f(form: dict, user=Depends(get_verified_user), db=Depends(get_session)): ...\n"
    )
    guarded = {route.url: route.guarded for route in facts.routes}
    assert guarded == {"/a": True, "/b": True, "/c": False, "/d": True, "/e": False, "/f": True}
    methods = {route.url: route.methods for route in facts.routes}
    assert methods["/c"] == ("get", "post")
    assert methods["/d"] == ("post",)


def test_app_level_guards() -> None:
    flask = read_module(
        "from flask import Flask, request, abort\n"
        "app = Flask(__name__)\n"
        "@app.before_request\n"
        "def check():\n"
        "    if request.headers.get('Authorization') is None: abort(401)\n"
    )
    assert flask.app_wide_guard
    router = read_module(
        "from fastapi import APIRouter, Depends\n"
        "router = APIRouter(dependencies=[Depends(verify_token)])\n"
    )
    assert router.guarded_owners == {"router"}
    assert not router.app_wide_guard
    unrelated = read_module(
        "from fastapi import APIRouter, Depends\n"
        "router = APIRouter(dependencies=[Depends(get_db)])\n"
    )
    assert unrelated.guarded_owners == set()


@pytest.mark.parametrize(
    ("including", "module", "expected"),
    [
        ("app/main.py", ".routers.predict", "app/routers/predict.py"),
        ("app/main.py", "..shared", "shared/__init__.py"),
        ("main.py", "app.routers.predict", "app/routers/predict.py"),
        ("main.py", "missing.module", None),
    ],
)
def test_resolve_module(including: str, module: str, expected: str | None) -> None:
    paths = ["app/routers/predict.py", "shared/__init__.py", "app/main.py", "main.py"]
    assert resolve_module(including, module, paths) == expected


def test_router_included_with_auth_elsewhere_is_guarded(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "svc/api/chat.py": (
                "from fastapi import APIRouter\nrouter = APIRouter()\n"
                "@router.post('/v1/chat/completions')\ndef chat(body: dict): ...\n"
            ),
            "svc/api/embed.py": (
                "from fastapi import APIRouter\nrouter = APIRouter()\n"
                "@router.post('/v1/embeddings')\ndef embed(body: dict): ...\n"
            ),
            "svc/main.py": (
                "from fastapi import Depends, FastAPI\n"
                "from svc.api.chat import router as chat_router\n"
                "from .api import embed\n"
                "app = FastAPI()\n"
                "app.include_router(chat_router, dependencies=[Depends(verify_api_key)])\n"
                "app.include_router(embed.router)\n"
            ),
        },
    )
    assert _findings(root) == ["svc/api/embed.py:3"]
    assert _findings(root, "routes") == ["svc/api/chat.py:3", "svc/api/embed.py:3"]


def test_public_paths_and_plain_pages_are_not_inference_routes(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "app.py": (
                "from fastapi import FastAPI\napp = FastAPI()\n"
                "@app.get('/healthz')\ndef h(): ...\n"
                "@app.post('/token')\ndef t(): ...\n"
                "@app.get('/v1/models')\n@app.options('/v1/predict')\ndef m(): ...\n"
                "@app.get('/predict')\ndef p(): ...\n"
            )
        },
    )
    assert _findings(root) == ["app.py:10"]


def test_unparseable_route_module_is_an_error_not_a_pass(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "ok.py": "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/predict')\ndef p(): ...\n",
            "broken.py": "@app.post('/x')\ndef p(:\n",
        },
    )
    inventory = discover(root)
    context = RepoContext(root, inventory.artifacts, inventory.artifacts)
    observations = unauthenticated_routes(context, WebRouteAuth("unauthenticated"))
    seen: list[str] = []
    with pytest.raises(AnalyzerError, match=r"broken\.py:2"):
        seen.extend(observation.location.path for observation in observations)
    assert seen == ["ok.py"]
