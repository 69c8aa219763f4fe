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
