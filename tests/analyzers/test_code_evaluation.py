"""eval/exec graded by where the code comes from, and heuristic findings giving way."""

from __future__ import annotations

from pathlib import Path

from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan
from tests.conftest import write_tree

APP = """\
import flask

app = flask.Flask(__name__)


@app.post("/calc")
def calc():
    return str(eval(flask.request.form["expr"]))


def helper(cell):
    return eval(cell)


def guarded(mode):
    return eval(f"ops.{mode}") if mode in ("add", "sub") else None


def unguarded(mode, other):
    return eval(f"ops.{mode}.{other}") if mode in ("add", "sub") else None
"""

MODULE_CODE = """\
import inspect


class Evaluator:
    def eval(self, text):
        return text


def patch(target, evaluator):
    source = inspect.getsource(target).replace("a", "b")
    exec(compile(source, "<patched>", "exec"), {})
    exec(f"from {target.__module__} import {target.__qualname__}")
    return evaluator.eval(source)
"""


def _findings(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int | None, str]]:
    write_tree(tmp_path, files)
    report = scan(
        ScanOptions(target=tmp_path, only_controls=("MLSEC-CODE-01",), source_date_epoch=0)
    )
    (result,) = report.results
    assert result.errors == ()
    return sorted(
        (f.check_id, f.location.start_line, f.severity.name.lower()) for f in result.findings
    )


def test_request_data_is_reported_once_by_the_certain_check(tmp_path: Path) -> None:
    assert _findings(tmp_path, {"app.py": APP}) == [
        ("eval-of-non-literal", 12, "medium"),
        ("eval-of-non-literal", 20, "medium"),
        ("eval-of-request-data", 8, "critical"),
    ]


def test_introspection_and_compiled_own_source_are_not_reported(tmp_path: Path) -> None:
    assert _findings(tmp_path, {"patch.py": MODULE_CODE}) == []


CONFIG_CODE = """\
import json

import yaml


def download(path, step):
    data = yaml.safe_load(open(path))
    script = data.get("download")
    exec(script, {"yaml": data})
    exec(step)


def restore(payload, allow_unsafe_code=False):
    if allow_unsafe_code:
        return eval(json.loads(payload)["expression"])
    return None


def activation(cfg):
    return eval(f"nn.{cfg['act']}()") if cfg["act"] in ("ReLU", "SiLU") else None
"""


def test_code_read_from_a_parsed_document_is_graded_high_and_low_behind_an_opt_in(
    tmp_path: Path,
) -> None:
    # a field of a parsed YAML mapping is high; a plain parameter stays the medium heuristic;
    # an opt-in guard lowers the parsed-data finding; a value limited to literal choices is
    # not reported at all
    assert _findings(tmp_path, {"cfg.py": CONFIG_CODE}) == [
        ("eval-of-non-literal", 10, "medium"),
        ("eval-of-parsed-data", 9, "high"),
        ("eval-of-parsed-data", 15, "low"),
    ]
