"""The hostile corpus (tests/hostile/corpus.py) scanned end to end by the real command line.

Per case: no traceback, the plain violation reported, every hostile path reported (finding,
skipped file or error), nothing from outside the root in any output, no planted credential
in any of the six outputs or stderr. Cases that do not interfere share one scan; git and
environment cases run alone. Time is bounded by the scan's own limits (``--timeout``) and a
generous subprocess time-out that fails the test instead of hanging CI; figures for time and
memory live in ``benchmarks/hostile.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import corpus

SCAN_TIMEOUT = 900
"""Seconds before a scan counts as hung (the whole corpus takes about a minute)."""
RULE_TIMEOUT = "10"
"""Semgrep's per-rule, per-file limit for these scans: a stalled rule shows as an error."""
FORMATS = ("json", "sarif", "html", "markdown", "junit")
CHECK = ("MLSEC-LOAD-02", "pickle-family-load")
"""The control and check the plain violation must be reported under."""


@dataclass(frozen=True)
class Run:
    """One scan of a tree: its exit code, texts of every output, and the parsed JSON report."""

    code: int
    outputs: Mapping[str, str]
    report: dict[str, Any]

    def reported_paths(self) -> set[str]:
        """Return every path the report names: findings, errors and skipped files."""
        paths: set[str] = set()
        for result in self._list("results"):
            for finding in result.get("findings", []):
                paths.add(finding["location"]["path"])
        paths.update(e["path"] for e in self._list("errors") if e.get("path"))
        paths.update(s["path"].rstrip("/") for s in self._list("skipped"))
        return paths

    def places(self, control: str, check: str) -> set[tuple[str, int | None]]:
        """Return (path, line) of every finding of one check."""
        return {
            (f["location"]["path"], f["location"]["start_line"])
            for r in self._list("results")
            for f in r.get("findings", [])
            if f["control_id"] == control and f["check_id"] == check
        }

    def _list(self, key: str) -> list[dict[str, Any]]:
        value = self.report.get(key, [])
        assert isinstance(value, list)
        return value


def scan(root: Path, out: Path, env: Mapping[str, str | None] | None = None) -> Run:
    """Scan ``root`` with every report format; fail (not hang) past SCAN_TIMEOUT."""
    out.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "mlsec_policy",
        "scan",
        str(root),
        "--no-config",
        "--no-hash-cache",
        "--no-color",
        "--timeout",
        RULE_TIMEOUT,
    ]
    for name in FORMATS:
        command += [f"--{name}-output", str(out / f"report.{name}")]
    environment = {**os.environ}
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=SCAN_TIMEOUT, env=environment, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the scan of {root} did not end within {SCAN_TIMEOUT} s")
    outputs = {
        "stdout": done.stdout.decode("utf-8", errors="replace"),
        "stderr": done.stderr.decode("utf-8", errors="replace"),
    }
    for name in FORMATS:
        path = out / f"report.{name}"
        outputs[name] = path.read_bytes().decode("utf-8") if path.exists() else ""
    report = json.loads(outputs["json"]) if outputs["json"] else {}
    return Run(done.returncode, outputs, report)


def unlock(tree: Path) -> None:
    """Give back the permissions cases took away, so the tree can be removed."""
    for current, dirs, files in os.walk(tree):
        for name in dirs + files:
            path = Path(current) / name
            if not path.is_symlink():
                path.chmod(0o755)


SHARED = [case for case in corpus.CASES if not case.alone]
ALONE = [case for case in corpus.CASES if case.alone]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Run, Path]]:
    """Every case that does not need the tree to itself, side by side, scanned once."""
    base = tmp_path_factory.mktemp("hostile")
    root = base / "root"
    for case in SHARED:
        corpus.build(case, root / case.name, base / "outside" / case.name)
    try:
        yield scan(root, base / "out"), root
    finally:
        unlock(base)


def assert_sound(run: Run, outside_root: bool = True) -> None:
    """Assert what holds for every scan: no traceback, no leak, readable reports."""
    for name, text in run.outputs.items():
        assert "Traceback (most recent call last)" not in text, f"traceback in {name}"
        for secret in corpus.SECRETS:
            assert secret not in text, f"planted credential {secret[:6]}… reaches {name}"
            assert secret[-12:] not in text, f"part of {secret[:6]}… reaches {name}"
        if outside_root:
            assert corpus.OUTSIDE_SECRET[3:] not in text, f"{name} quotes a file outside root"
    assert run.report, "no JSON report was written"
    json.loads(run.outputs["sarif"])
    ElementTree.fromstring(run.outputs["junit"].encode("utf-8"))
    assert run.outputs["html"].lstrip().lower().startswith("<!doctype html")


def test_the_shared_scan_is_sound_and_incomplete(shared: tuple[Run, Path]) -> None:
    run, _root = shared
    assert_sound(run)
    assert run.code == 3, "broken files in the corpus must make the scan incomplete"
    for path in run.reported_paths():
        assert not path.startswith(("/", "..")), f"a report names {path} outside the root"
        assert "outside" not in path.split("/"), f"a report names {path} outside the root"


@pytest.mark.parametrize("case", SHARED, ids=[case.name for case in SHARED])
def test_each_case_keeps_its_plain_violation_and_reports_its_hostile_files(
    shared: tuple[Run, Path], case: corpus.Case
) -> None:
    run, _root = shared
    assert (f"{case.name}/app.py", corpus.PLAIN_LINE) in run.places(*CHECK)
    if case.unprivileged and os.geteuid() == 0:
        pytest.skip("permissions do not stop root; the hostile file is meaningful unprivileged")
    reported = run.reported_paths()
    for hostile in case.hostile:
        path = f"{case.name}/{hostile}"
        assert path in reported, f"{path!r} passed silently"


def test_report_injection_is_neutralised(shared: tuple[Run, Path]) -> None:
    run, _root = shared
    html, junit, console = run.outputs["html"], run.outputs["junit"], run.outputs["stdout"]
    assert "<script>alert" not in html
    for text in (console, run.outputs["stderr"], run.outputs["markdown"], html):
        assert "\x1b]0;pwned" not in text, "a terminal escape from the target is printed"
    assert "\x01" not in junit and "\x0b" not in junit


@pytest.mark.parametrize("case", ALONE, ids=[case.name for case in ALONE])
def test_cases_that_need_their_own_tree(tmp_path: Path, case: corpus.Case) -> None:
    if shutil.which("git") is None and (case.needs_git or case.category == "git"):
        pytest.skip("git is not installed")
    if case.needs_root and os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user; see git-dubious-flagged")
    root = tmp_path / "root" / case.name
    corpus.build(case, root, tmp_path / "outside")
    try:
        run = scan(root, tmp_path / "out", case.env)
    finally:
        unlock(tmp_path)
    assert_sound(run)
    if case.incomplete is True:
        assert run.code == 3
    elif case.incomplete is False:
        assert run.code == 1
    else:
        assert run.code in (1, 3)
    assert ("app.py", corpus.PLAIN_LINE) in run.places(*CHECK)
    reported = run.reported_paths()
    for hostile in case.hostile:
        assert hostile in reported, f"{hostile} passed silently"
