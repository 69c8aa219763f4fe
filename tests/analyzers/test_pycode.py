"""Python code analyzers read a template of a Python file as the Python it renders to."""

from __future__ import annotations

from pathlib import Path

from mlsec_policy.models import ControlStatus
from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan
from tests.conftest import write_tree

TEMPLATE = (
    "import os\n"
    "import sys\n"
    "from {{cookiecutter.module}} import helpers\n"
    "\n"
    "os.system('convert ' + sys.argv[1])\n"
)


def test_a_template_of_a_python_file_is_checked_not_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"{{cookiecutter.slug}}/run.py": TEMPLATE, "plain.py": "x = 1\n"})
    report = scan(
        ScanOptions(target=tmp_path, only_controls=("MLSEC-CODE-02",), source_date_epoch=0)
    )
    (result,) = report.results
    assert result.status is ControlStatus.FAIL
    assert result.errors == ()
    assert [(f.location.path, f.location.start_line) for f in result.findings] == [
        ("{{cookiecutter.slug}}/run.py", 5)
    ]
