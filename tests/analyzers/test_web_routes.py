"""The web-route-auth analyzer on real files: routes, guards, cross-file inclusions, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest

from mlsec_policy.analyzers.base import AnalyzerError, RepoContext
from mlsec_policy.analyzers.read.routes import ModuleFacts, read_module
from mlsec_policy.analyzers.web_routes.auth import WebRouteAuth, unauthenticated_routes
from mlsec_policy.analyzers.web_routes.guards import GuardReader
from mlsec_policy.analyzers.web_routes.program import resolve_module
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


def _route_guards(facts: ModuleFacts) -> dict[str | None, bool]:
    reader = GuardReader(facts.symbols)
    return {route.url: reader.route(route).certain for route in facts.routes}


def _owner_guards(facts: ModuleFacts) -> set[str]:
    reader = GuardReader(facts.symbols)
    owners = {app.name for app in facts.apps if reader.dependencies(app.call).certain}
    return owners | {hook.owner for hook in facts.hooks if reader.hook(hook).certain}


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
    assert _route_guards(facts) == {
        "/a": True,
        "/b": True,
        "/c": False,
        "/d": True,
        "/e": False,
        "/f": True,
    }
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
    assert _owner_guards(flask) == {"app"}
    router = read_module(
        "from fastapi import APIRouter, Depends\n"
        "router = APIRouter(dependencies=[Depends(verify_token)])\n"
    )
    assert _owner_guards(router) == {"router"}
    unrelated = read_module(
        "from fastapi import APIRouter, Depends\n"
        "router = APIRouter(dependencies=[Depends(get_db)])\n"
    )
    assert _owner_guards(unrelated) == set()


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


def test_guards_are_followed_through_names_and_judged_by_what_they_do() -> None:
    facts = read_module(
        "from fastapi import Depends, FastAPI, Header, HTTPException\n"
        "from .elsewhere import outside\n"
        "app = FastAPI()\n"
        "def gate(authorization: str = Header(None)): ...\n"
        "def refuse(request):\n"
        "    if request.client.host not in ALLOWED: raise HTTPException(status_code=403)\n"
        "def plain(db=Depends(get_db)): ...\n"
        "deps = []\n"
        "if ENABLED:\n"
        "    deps = [Depends(gate)]\n"
        "security_list = [Depends(plain)]\n"
        "@app.post('/a', dependencies=deps)\ndef a(body: dict): ...\n"
        "@app.post('/b', dependencies=[Depends(refuse)])\ndef b(body: dict): ...\n"
        "@app.post('/c', dependencies=security_list)\ndef c(body: dict): ...\n"
        "@app.post('/d', dependencies=[Depends(outside)])\ndef d(body: dict): ...\n"
        "@app.post('/e')\ndef e(body: dict):\n    return tokenizer.count_tokens(body)\n"
    )
    reader = GuardReader(facts.symbols)
    guards = {route.url: reader.route(route) for route in facts.routes}
    assert {url: guard.certain for url, guard in guards.items()} == {
        "/a": True,
        "/b": True,
        "/c": False,
        "/d": False,
        "/e": False,
    }
    assert {(ref.module, ref.name) for ref in guards["/d"].refs} == {(".elsewhere", "outside")}


def test_post_routes_that_take_nothing_and_only_read_state_are_not_in_scope(
    tmp_path: Path,
) -> None:
    root = write_tree(
        tmp_path,
        {
            "worker.py": (
                "from fastapi import FastAPI, Request\napp = FastAPI()\n"
                "@app.post('/status')\nasync def s(request: Request):\n"
                "    return worker.get_status()\n"
                "@app.post('/models')\nasync def m():\n"
                "    names = registry.list_models()\n    return {'models': names}\n"
                "@app.post('/refresh')\nasync def r():\n    registry.refresh_all()\n"
                "@app.post('/lookup')\nasync def k(request: Request):\n"
                "    return table[(await request.json())['name']]\n"
                "@app.delete('/cache')\nasync def c():\n    return None\n"
            )
        },
    )
    assert _findings(root) == ["worker.py:10", "worker.py:13", "worker.py:16"]
