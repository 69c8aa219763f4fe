"""``mlsec-policy fix`` and ``scan --fix`` on a real repository, with real semgrep."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from mlsec_policy.analyzers.read.dockerfile import parse as parse_dockerfile
from tests.conftest import CliResult, load_json, report_validator, sarif_validator, write_tree

APP = """\
import tarfile

import requests
import ruamel.yaml
import torch as th
import yaml


def load(path, url, doc, demo):
    model = th.load(path)
    other = th.load(
        path,
        map_location="cpu",
    )
    bad = th.load(path, weights_only=False)
    cfg = yaml.load(doc)
    cfg2 = yaml.load(open(path), Loader=yaml.FullLoader)
    cfg3 = yaml.load(doc, Loader=CustomLoader)
    unsafe = ruamel.yaml.YAML(typ="unsafe")
    kept = yaml.load(doc)  # mlsec-policy: ignore[MLSEC-CODE-04] reviewed: trusted local file
    with tarfile.open(path) as tar:
        tar.extractall()
    r = requests.get(url, verify=False, timeout=5)
    demo.launch(share=True)
    return model, other, bad, cfg, cfg2, cfg3, unsafe, kept, r
"""
NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["/home/alice/x\n"]}],
            "source": ["print('hi')"],
        }
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}
FILES = {
    "app.py": APP,
    "Dockerfile": 'FROM python:3.11-slim\nRUN pip install x\nCMD ["python", "app.py"]\n',
    ".github/workflows/ci.yml": (
        "name: ci\non: push\npermissions: write-all\njobs:\n  t:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - run: echo\n"
    ),
    "notebooks/train.ipynb": json.dumps(NOTEBOOK, indent=1) + "\n",
}
CONTROLS = (
    "MLSEC-LOAD-01",
    "MLSEC-CODE-04",
    "MLSEC-FETCH-04",
    "MLSEC-FETCH-02",
    "MLSEC-SERVE-04",
    "MLSEC-CONT-01",
    "MLSEC-CI-04",
    "MLSEC-NB-01",
)
FIXED_CHECKS = {
    "torch-load-without-weights-only": 2,
    "torch-load-weights-only-false": 1,
    "yaml-unsafe-load": 2,
    "tar-extract-without-filter": 1,
    "tls-verify-disabled-python": 1,
    "gradio-public-share": 1,
    "dockerfile-final-stage-root": 1,
    "gha-write-all-permissions": 1,
    "notebook-saved-with-outputs": 1,
    "notebook-output-reveals-environment": 1,
}
"""Checks whose findings in FILES the fixes mend, and how many."""
DECLARED = 13
"""Active findings in FILES whose check declares a fix: the 12 fixed and ruamel's unsafe
loader (the rule's fix does not apply to it)."""

Cli = Callable[..., CliResult]


def only(*controls: str) -> list[str]:
    """Return options that disable every bundled control but ``controls``."""
    from mlsec_policy.analyzers import ANALYZERS
    from mlsec_policy.policy import load_policy

    every = {c.id for c in load_policy(("builtin",), ANALYZERS).controls}
    return [arg for c in sorted(every - set(controls)) for arg in ("--disable", c)]


@pytest.fixture(scope="module")
def scoped() -> list[str]:
    """Return the options of every scan here: only the controls with fixes, no cache, no config."""
    return [*only(*CONTROLS), "--no-cache", "--no-config"]


def digests(root: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under ``root``."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def active(report: dict[str, object]) -> list[dict[str, object]]:
    """Return the active findings of a JSON report."""
    results = report["results"]
    assert isinstance(results, list)
    return [f for r in results for f in r["findings"] if f["suppression"] is None]


def test_dry_run_and_diff_change_no_byte(tmp_path: Path, cli: Cli, scoped: list[str]) -> None:
    write_tree(tmp_path, FILES)
    before = digests(tmp_path)
    dry = cli("fix", str(tmp_path), "--dry-run", *scoped)
    assert dry.code == 0, dry.err
    assert "would fix 12 finding(s) in 4 file(s)" in dry.err + dry.out
    assert digests(tmp_path) == before
    diff = cli("fix", str(tmp_path), "--diff", *scoped)
    assert diff.code == 0, diff.err
    assert "+    model = th.load(path, weights_only=True)" in diff.out
    assert "+USER 10001:10001" in diff.out
    assert digests(tmp_path) == before


def test_fix_mends_every_fixable_finding_and_keeps_files_parseable(
    tmp_path: Path, cli: Cli, scoped: list[str]
) -> None:
    write_tree(tmp_path, FILES)
    first = cli("scan", str(tmp_path), "--json-output", str(tmp_path.parent / "a.json"), *scoped)
    # a plain scan runs no second semgrep pass: the count is of the checks that declare a fix,
    # and no finding carries one
    assert f"Up to {DECLARED} findings may be fixed automatically" in first.out
    before = load_json(tmp_path.parent / "a.json")
    assert all(f["fix"] is None for f in active(before))
    exact = cli("scan", str(tmp_path), "--propose-fixes", *scoped)
    assert "12 findings can be fixed automatically" in exact.out
    fixed = cli("fix", str(tmp_path), *scoped)
    assert fixed.code == 0, fixed.err
    after_run = cli(
        "scan", str(tmp_path), "--json-output", str(tmp_path.parent / "b.json"), *scoped
    )
    assert "Up to 1 finding may be fixed automatically" in after_run.out  # ruamel's, see below
    after = load_json(tmp_path.parent / "b.json")
    gone = Counter(str(f["check_id"]) for f in active(before))
    gone.subtract(str(f["check_id"]) for f in active(after))
    assert +gone == FIXED_CHECKS
    left = [str(f["check_id"]) for f in active(after)]
    assert left == ["yaml-unsafe-load"]  # ruamel's unsafe loader: no mechanical fix
    # a loader of unknown name is left alone; the suppressed call stays suppressed, untouched
    app = (tmp_path / "app.py").read_text(encoding="utf-8")
    assert "yaml.load(doc, Loader=CustomLoader)" in app
    assert "kept = yaml.load(doc)  # mlsec-policy: ignore" in app
    assert "ruamel" in str(active(after)[0]["snippet"])
    compile(app, "app.py", "exec")
    yaml.safe_load((tmp_path / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    json.loads((tmp_path / "notebooks/train.ipynb").read_text(encoding="utf-8"))
    assert parse_dockerfile((tmp_path / "Dockerfile").read_text(encoding="utf-8"))


def test_fix_limited_to_a_control(tmp_path: Path, cli: Cli, scoped: list[str]) -> None:
    write_tree(tmp_path, FILES)
    result = cli("fix", str(tmp_path), "--control", "MLSEC-CI-04", *scoped)
    assert result.code == 0, result.err
    changed = {k for k, v in digests(tmp_path).items() if v != digests_of(FILES)[k]}
    assert changed == {".github/workflows/ci.yml"}
    unknown = cli("fix", str(tmp_path), "--control", "MLSEC-NOPE-99", *scoped)
    assert unknown.code == 2 and "unknown control" in unknown.err


def digests_of(files: dict[str, str]) -> dict[str, str]:
    """Return the SHA-256 of each file's text as written by write_tree."""
    return {k: hashlib.sha256(v.encode("utf-8")).hexdigest() for k, v in files.items()}


def test_sarif_and_json_carry_the_fixes(tmp_path: Path, cli: Cli, scoped: list[str]) -> None:
    write_tree(tmp_path, FILES)
    sarif_file, json_file = tmp_path.parent / "r.sarif", tmp_path.parent / "r.json"
    cli(
        "scan",
        str(tmp_path),
        "--sarif-output",
        str(sarif_file),
        "--json-output",
        str(json_file),
        *scoped,
    )
    sarif = load_json(sarif_file)
    sarif_validator().validate(sarif)
    report_validator().validate(load_json(json_file))
    assert cli("report", "render", str(json_file), "--sarif-output", str(sarif_file)).code == 0
    assert load_json(sarif_file) == sarif  # the fixes survive the JSON round trip
    with_fixes = [r for r in sarif["runs"][0]["results"] if "fixes" in r]
    assert len(with_fixes) == 12
    report = load_json(json_file)
    findings = [f for r in report["results"] for f in r["findings"]]
    suppressed = [f for f in findings if f["suppression"] is not None]
    assert suppressed and all(f["fix"] is None for f in suppressed)
    docker = next(r for r in with_fixes if r["ruleId"] == "MLSEC-CONT-01")
    change = docker["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "Dockerfile"
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 1},
            "insertedContent": {"text": "USER 10001:10001\n"},
        }
    ]


def test_scan_fix_applies_then_reports_what_is_left(
    tmp_path: Path, cli: Cli, scoped: list[str]
) -> None:
    write_tree(tmp_path, FILES)
    result = cli(
        "scan", str(tmp_path), "--fix", "--json-output", str(tmp_path.parent / "c.json"), *scoped
    )
    assert "fixed 12 finding(s) in 4 file(s)" in result.err
    left = active(load_json(tmp_path.parent / "c.json"))
    assert [f["check_id"] for f in left] == ["yaml-unsafe-load"]
    assert result.code == 1


def test_a_fix_that_would_show_a_secret_is_not_offered(
    tmp_path: Path, cli: Cli, scoped: list[str]
) -> None:
    token = "hf_" + "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL"
    call = f'requests.get(u, headers={{"Authorization": "{token}"}}, verify=False)'
    app = f"import requests\n\n{call}\n"
    write_tree(
        tmp_path, {"app.py": app, "other.py": "import requests\nrequests.get(u, verify=False)\n"}
    )
    sarif_file = tmp_path.parent / "s.sarif"
    cli("scan", str(tmp_path), "--sarif-output", str(sarif_file), *scoped)
    text = sarif_file.read_text(encoding="utf-8")
    assert token not in text
    fixed = [r for r in load_json(sarif_file)["runs"][0]["results"] if "fixes" in r]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in fixed]
    assert uris == ["other.py"]
