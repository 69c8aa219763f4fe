"""Custom packs: extend the bundled pack, disable and re-grade controls, test their own fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import EXAMPLES, CliResult, load_json, write_tree

Cli = Callable[..., CliResult]
CUSTOM = EXAMPLES / "custom-pack"
CONTROL_DIR = "controls/model-deployment/ACME-REG-01"


def copy_pack(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(CUSTOM, target)
    return target


def test_policy_test_runs_only_the_packs_own_fixtures(cli: Cli) -> None:
    result = cli("policy", "test", str(CUSTOM), "-v")
    assert result.code == 0, result.out
    assert result.out.splitlines() == [
        "ok    ACME-REG-01 [fail]",
        "ok    ACME-REG-01 [pass]",
        "2/2 cases passed",
        "semgrep test: 4 annotated file(s) for 2 semgrep check(s): ok",
    ]


def test_a_wrong_expectation_fails_policy_test(tmp_path: Path, cli: Cli) -> None:
    pack = copy_pack(tmp_path)
    expected = pack / CONTROL_DIR / "tests/expected.yaml"
    expected.write_text(
        expected.read_text().replace("deploy/deployment.yaml:11", "deploy/deployment.yaml:12")
    )
    result = cli("policy", "test", str(pack))
    assert result.code == 1
    assert "FAIL  ACME-REG-01 [fail]" in result.out
    assert (
        "missing findings of acme-image-outside-registry: deploy/deployment.yaml:12" in result.out
    )
    assert (
        "unexpected findings of acme-image-outside-registry: deploy/deployment.yaml:11"
        in result.out
    )


def test_semgrep_annotation_mismatches_point_at_file_and_line(tmp_path: Path, cli: Cli) -> None:
    pack = copy_pack(tmp_path)
    dockerfile = pack / CONTROL_DIR / "tests/pass/Dockerfile"
    dockerfile.write_text(
        "# ruleid: acme-base-image-outside-registry\n"
        "FROM registry.acme.example/base/python:3.11-slim\n"
        "# ok: acme-base-image-outside-registry\n"
        "FROM python:3.11-slim\n"
        "# ok: acme-no-such-check\n"
        "USER 10001\n"
    )
    result = cli("policy", "test", str(pack), "--control", "ACME-REG-01")
    assert result.code == 1
    shown = f"{CONTROL_DIR}/tests/pass/Dockerfile"
    lines = [line for line in result.out.splitlines() if line.startswith("SEMGREP")]
    assert lines == [
        f"SEMGREP {shown}:5: 'ok: acme-no-such-check' names no semgrep check of ACME-REG-01",
        f"SEMGREP {shown}:2: 'acme-base-image-outside-registry' should match here but does not",
        f"SEMGREP {shown}:4: 'acme-base-image-outside-registry' matches here without a "
        "'# ruleid: acme-base-image-outside-registry' annotation",
    ]
    assert "semgrep test: 4 annotated file(s) for 2 semgrep check(s): FAILED" in result.out


def test_a_semgrep_check_without_annotations_is_a_gap(tmp_path: Path, cli: Cli) -> None:
    pack = copy_pack(tmp_path)
    for path in (pack / CONTROL_DIR / "tests").rglob("Dockerfile"):
        lines = path.read_text().splitlines()
        path.write_text("\n".join("" if "# " in line else line for line in lines) + "\n")
    result = cli("policy", "test", str(pack))
    assert result.code == 1
    assert (
        "GAP   acme-base-image-outside-registry (ACME-REG-01) has no fixture line annotated "
        "'# ruleid: acme-base-image-outside-registry'" in result.out
    )
    assert cli("policy", "test", str(pack), "--no-require-fixtures").code == 0


def test_scan_with_the_custom_pack_extends_disables_and_regrades(tmp_path: Path, cli: Cli) -> None:
    target = write_tree(
        tmp_path / "repo",
        {
            "Dockerfile": 'FROM python:3.11-slim\nUSER 10001\nCMD ["python", "job.py"]\n',
            "deploy/deployment.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n"
                "  template:\n    spec:\n      containers:\n        - name: api\n"
                "          image: docker.io/example/api:1.0.0\n"
                "          ports: [{containerPort: 8000}]\n"
            ),
        },
    )
    out = tmp_path / "report.json"
    result = cli("scan", str(target), "--policy", str(CUSTOM), "--json-output", str(out))
    assert result.code == 1
    report = load_json(out)
    results = {r["control"]["id"]: r for r in report["results"]}
    assert "MLSEC-CONT-03" not in results
    assert "MLSEC-CONT-03" in report["policy"]["disabled"]
    assert [p["name"] for p in report["policy"]["packs"]] == ["mlsec-baseline", "acme-ml-policy"]
    acme = results["ACME-REG-01"]
    assert acme["status"] == "fail"
    assert {(f["location"]["path"], f["location"]["start_line"]) for f in acme["findings"]} == {
        ("Dockerfile", 1),
        ("deploy/deployment.yaml", 10),
    }
    probes = results["MLSEC-K8S-05"]
    assert probes["status"] == "fail" and probes["control"]["severity"] == "medium"
    assert results["MLSEC-CONT-01"]["status"] == "pass"


def test_a_pack_naming_an_unknown_control_is_rejected_at_its_line(tmp_path: Path, cli: Cli) -> None:
    pack = write_tree(
        tmp_path / "pack",
        {
            "pack.yaml": (
                "name: broken\nversion: 1.0.0\nextends: [builtin]\ndisable: [MLSEC-NOPE-01]\n"
            )
        },
    )
    result = cli("validate", str(pack), "--no-semgrep")
    assert result.code == 2
    assert "pack.yaml" in result.err
    assert "'disable' names unknown control 'MLSEC-NOPE-01'" in result.err
