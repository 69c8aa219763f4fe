"""The unbounded-request-fields analyzer: which fields are unbounded, and where they go."""

from __future__ import annotations

from pathlib import Path

from mlsec_policy.analyzers.base import RepoContext
from mlsec_policy.analyzers.params import NoParams
from mlsec_policy.analyzers.web_routes.fields import unbounded_request_fields
from mlsec_policy.discover import discover
from tests.conftest import write_tree


def _findings(root: Path) -> list[str]:
    inventory = discover(root)
    context = RepoContext(root, inventory.artifacts, inventory.artifacts)
    return [
        f"{o.location.path}:{o.location.start_line}"
        for o in unbounded_request_fields(context, NoParams())
    ]


HEADER = "from fastapi import FastAPI\nfrom pydantic import BaseModel, Field\napp = FastAPI()\n"


def test_limits_in_every_spelling_bound_a_field(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "api.py": HEADER
            + "from pydantic import Field as F, constr, conlist\n"
            + "class Body(BaseModel):\n"
            + "    a: str = F(max_length=10)\n"
            + "    b: constr(max_length=10)\n"
            + "    c: conlist(str, max_length=3)\n"
            + "    d: 'list[str]'\n"
            + "    e: int\n"
            + "    f: 'Optional[str]' = None\n"
            + "@app.post('/generate')\n"
            + "def g(body: Body):\n"
            + "    return model(body.a, body.b, body.c, body.d, body.e, body.f)\n"
        },
    )
    assert _findings(root) == ["api.py:9", "api.py:11"]


def test_a_splatted_dump_reaches_the_parameter_of_the_same_name(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "api.py": HEADER
            + "from .engine import run\n"
            + "class Body(BaseModel):\n"
            + "    prompt: str\n"
            + "    style: str = 'plain'\n"
            + "    tag: str = ''\n"
            + "@app.post('/v1/completions')\n"
            + "def g(body: Body):\n"
            + "    params = body.model_dump()\n"
            + "    return run(**params)\n",
            "engine.py": (
                "STYLES = {'plain': 0}\n"
                "def run(prompt, style, tag=''):\n"
                "    return backend.generate(prompt, STYLES[style])\n"
            ),
        },
    )
    assert _findings(root) == ["api.py:6"]


def test_a_field_passed_whole_to_an_unknown_library_is_not_guessed(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "api.py": HEADER
            + "class Body(BaseModel):\n"
            + "    prompt: str\n"
            + "    unused: str = ''\n"
            + "@app.post('/predict')\n"
            + "def g(body: Body):\n"
            + "    return opaque_library.run(body.model_dump())\n"
        },
    )
    assert _findings(root) == []
