"""Findings in test, example and docs paths are marked; grouped findings keep their places."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.models import PathClass
from mlsec_policy.pathclass import PathClasses
from tests.conftest import CliResult, load_json, report_validator, sarif_validator, write_tree


@pytest.mark.parametrize(
    ("path", "kind"),
    [("tests/unit/test_io.py", PathClass.TEST), ("src/test_utils.py", PathClass.TEST),
     ("pkg/io_test.py", PathClass.TEST), ("conftest.py", PathClass.TEST),
     ("integration-tests/run.sh", PathClass.TEST), ("web/app.spec.ts", PathClass.TEST),
     ("examples/tests/x.py", PathClass.EXAMPLE), ("sagemaker_examples/a.ipynb", PathClass.EXAMPLE),
     ("Tutorials/intro.ipynb", PathClass.EXAMPLE), ("docs/source/conf.py", PathClass.DOCS),
     ("api_docs/x.md", PathClass.DOCS),
     ("notebooks/train.ipynb", None), ("example_selector/base.py", None),
     ("doc_parser/read.py", None), ("demo/app.py", None), ("scripts/testing_utils.py", None),
     ("tests", None), ("", None)],
)  # fmt: skip
def test_builtin_classes_read_folder_and_file_names(path: str, kind: PathClass | None) -> None:
    assert PathClasses().classify(path) is kind


def test_repository_patterns_add_classes_and_product_paths_win() -> None:
    classes = PathClasses(test=("qa/**",), product=("examples/deployed/**",))
    assert classes.classify("qa/check.py") is PathClass.TEST
    assert classes.classify("examples/deployed/serve.py") is None
    assert classes.classify("examples/other/serve.py") is PathClass.EXAMPLE
    assert PathClasses(builtin=False).classify("tests/test_a.py") is None


REPO = {
    "tests/requirements.txt": "torch>=2.6\n",
    "requirements/cpu.txt": "pandas>=2\n",
    "requirements/cuda.txt": "numpy==1.26.4\npandas>=2\n",
}
QUIET = ("--disable", "MLSEC-GOV-01", "--disable", "MLSEC-IR-01", "--disable", "MLSEC-DEP-01")


def _scan(cli: Callable[..., CliResult], target: Path, out: Path, *extra: str) -> CliResult:
    return cli(
        "scan", str(target), "-q", "--json-output", str(out / "r.json"),
        "--sarif-output", str(out / "r.sarif"), *QUIET, *extra,
    )  # fmt: skip


def test_marked_findings_do_not_gate_by_default_and_gate_on_request(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    target = write_tree(tmp_path / "repo", {"tests/requirements.txt": "torch>=2.6\n"})
    assert _scan(cli, target, tmp_path).code == 0
    report = load_json(tmp_path / "r.json")
    report_validator().validate(report)
    findings = [f for r in report["results"] for f in r["findings"]]
    assert [(f["location"]["path"], f["path_class"]) for f in findings] == [
        ("tests/requirements.txt", "test")
    ]
    sarif = load_json(tmp_path / "r.sarif")
    sarif_validator().validate(sarif)
    assert sarif["runs"][0]["results"][0]["properties"]["pathClass"] == "test"
    assert _scan(cli, target, tmp_path, "--non-product", "gate").code == 1
    assert _scan(cli, target, tmp_path, "--non-product", "hide").code == 0
    hidden = load_json(tmp_path / "r.json")
    assert not [f for r in hidden["results"] for f in r["findings"]]
    assert any("test, example or docs" in note for note in hidden["notes"])


def test_configuration_can_gate_non_product_findings(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    target = write_tree(
        tmp_path / "repo",
        {
            "tests/requirements.txt": "torch>=2.6\n",
            ".mlsec-policy.yml": "non-product:\n  mode: gate\n",
        },
    )
    assert _scan(cli, target, tmp_path).code == 1
    assert _scan(cli, target, tmp_path, "--non-product", "mark").code == 0


def test_one_finding_per_requirement_across_manifests_with_related_places(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    target = write_tree(tmp_path / "repo", REPO)
    assert _scan(cli, target, tmp_path).code == 1
    report = load_json(tmp_path / "r.json")
    (dep02,) = [r for r in report["results"] if r["control"]["id"] == "MLSEC-DEP-02"]
    places = [
        (f["location"]["path"], [p["path"] for p in f["related"]], f["path_class"])
        for f in dep02["findings"]
    ]
    assert places == [
        ("requirements/cpu.txt", ["requirements/cuda.txt"], None),
        ("tests/requirements.txt", [], "test"),
    ]
    assert "also in 1 other place: requirements/cuda.txt:2" in dep02["findings"][0]["message"]
    sarif = load_json(tmp_path / "r.sarif")
    first = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "MLSEC-DEP-02")
    (related,) = first["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "requirements/cuda.txt"
    assert related["physicalLocation"]["region"] == {"startLine": 2}
