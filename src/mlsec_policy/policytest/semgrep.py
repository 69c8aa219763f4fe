"""Run semgrep's own test mode on the annotated fixture files of a pack's semgrep checks.

Fixture files mark the lines a semgrep check must match with ``# ruleid: <check-id>`` and the
lines it must not match with ``# ok: <check-id>`` (on the line above, semgrep's convention).
For every annotated file this module writes a pair into one scratch folder — ``tN.yaml`` with
the rules of the control that apply to that file (same kinds and path filters as a scan) and
``tN.<ext>`` with the file's text (for Helm templates, the same neutralised view a scan uses;
lines are unchanged) — runs ONE ``semgrep test`` process over the folder, and maps every
mismatch back to the fixture file and line.

It also reports what semgrep cannot: annotations naming a check that does not exist or does
not look at that kind of file, and semgrep checks no fixture line is annotated for.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mlsec_policy.classify import PEEK_BYTES, classify
from mlsec_policy.engines.semgrep.process import find_binary, run_semgrep_test
from mlsec_policy.models import Artifact, ArtifactKind, Severity
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.pathmatch import PathFilter
from mlsec_policy.policy.model import Control, SemgrepCheck
from mlsec_policy.policy.semgrep_rules import build_rule
from mlsec_policy.policytest.cases import load_cases
from mlsec_policy.views.targets import view_for

ANNOTATION = re.compile(r"(?:#|//|<!--)\s*(todoruleid|todook|ruleid|ok)\s*:\s*([\w\s,-]+)")
SKIPPED_KINDS = frozenset({ArtifactKind.NOTEBOOK, ArtifactKind.MODEL_ARTIFACT})
"""Notebooks carry no comments semgrep can read; model files are bytes."""


@dataclass(frozen=True, slots=True)
class SelfTestProblem:
    """One disagreement between an annotation and what semgrep matched."""

    path: str
    """The fixture file (relative to the pack root where possible)."""
    line: int | None
    check_id: str | None
    message: str

    def display(self) -> str:
        """Return ``path:line: message``."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class SelfTestResult:
    """What ``semgrep test`` found for a pack."""

    files: int
    """Annotated fixture files tested."""
    checks: int
    """Semgrep checks in the pack."""
    problems: tuple[SelfTestProblem, ...]
    gaps: tuple[str, ...]
    """Semgrep checks that no fixture line is annotated ``ruleid`` for."""

    @property
    def ok(self) -> bool:
        """Return True when every annotation held and every check has one."""
        return not self.problems and not self.gaps


@dataclass(frozen=True, slots=True)
class _Target:
    """An annotated fixture file paired with the rules that apply to it."""

    source: Path
    shown: str
    text: str
    name: str
    """The file name semgrep needs to pick the language (``x.py``, ``Dockerfile``...)."""
    checks: tuple[SemgrepCheck, ...]
    severity: Severity
    """The control's severity (semgrep wants one in each rule; the test ignores it)."""


def run_selftest(
    controls: Sequence[Control], pack_root: Path, settings: SemgrepSettings
) -> SelfTestResult:
    """Run ``semgrep test`` over the annotated fixtures of ``controls`` (one process)."""
    problems: list[SelfTestProblem] = []
    targets: list[_Target] = []
    annotated: set[str] = set()
    semgrep_checks = [
        c for control in controls for c in control.checks if isinstance(c, SemgrepCheck)
    ]
    for control in controls:
        checks = tuple(c for c in control.checks if isinstance(c, SemgrepCheck))
        for target, names in _annotated_files(control, checks, pack_root, problems):
            annotated |= names
            if target.checks:
                targets.append(target)
    if targets:
        problems.extend(_run(targets, settings))
    gaps = tuple(
        f"{check.id} ({check.control_id}) has no fixture line annotated '# ruleid: {check.id}'"
        for check in semgrep_checks
        if check.id not in annotated
    )
    return SelfTestResult(len(targets), len(semgrep_checks), tuple(problems), gaps)


def _annotated_files(
    control: Control,
    checks: tuple[SemgrepCheck, ...],
    pack_root: Path,
    problems: list[SelfTestProblem],
) -> Iterator[tuple[_Target, set[str]]]:
    """Yield each annotated fixture file of a control, with the check ids it marks ruleid."""
    by_id = {check.id: check for check in checks}
    for case in load_cases(control):
        for path in sorted(p for p in case.folder.rglob("*") if p.is_file()):
            relative = path.relative_to(case.folder).as_posix()
            shown = _shown(path, pack_root)
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            marks = list(_annotations(text))
            if not marks:
                continue
            classification = classify(relative, raw[:PEEK_BYTES])
            artifact = Artifact(relative, classification.kind, len(raw), classification.format)
            if artifact.kind in SKIPPED_KINDS:
                continue
            applicable = tuple(
                c for c in checks if artifact.kind in c.kinds and PathFilter.of(c).allows(relative)
            )
            positive: set[str] = set()
            for line, kind, check_id in marks:
                check = by_id.get(check_id)
                if check is None:
                    problems.append(
                        SelfTestProblem(
                            shown,
                            line,
                            check_id,
                            f"'{kind}: {check_id}' names no semgrep check of {control.id}",
                        )
                    )
                elif check not in applicable:
                    problems.append(
                        SelfTestProblem(
                            shown,
                            line,
                            check_id,
                            f"'{kind}: {check_id}' is on a {artifact.kind.value} file, which "
                            "that check does not look at (kinds or include/exclude)",
                        )
                    )
                elif kind == "ruleid":
                    positive.add(check_id)
            view = view_for(artifact, case.folder)
            name = view.file_name if view is not None else PurePosixPath(relative).name
            body = view.text if view is not None else text
            yield (
                _Target(
                    path,
                    shown,
                    body,
                    _test_name(name, artifact.kind),
                    applicable,
                    control.meta.severity,
                ),
                positive,
            )


def _annotations(text: str) -> Iterator[tuple[int, str, str]]:
    """Yield (line of the annotation, kind, check id) for each annotation in ``text``."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = ANNOTATION.search(line)
        if not match:
            continue
        for check_id in match.group(2).replace("-->", "").split(","):
            if check_id.strip():
                yield number, match.group(1), check_id.strip()


def _test_name(name: str, kind: ArtifactKind) -> str:
    """Return the suffix the scratch copy needs so that semgrep picks the right language."""
    lower = name.lower()
    if lower.endswith((".yaml", ".yml")):
        return ".test" + name[name.rfind(".") :]
    if kind is ArtifactKind.DOCKERFILE:
        return ".Dockerfile"
    suffix = PurePosixPath(name).suffix
    if kind is ArtifactKind.PYTHON and suffix not in {".py", ".pyi", ".pyw"}:
        return ".py"
    if kind is ArtifactKind.SHELL and suffix not in {".sh", ".bash"}:
        return ".sh"
    return suffix or ".txt"


def _run(targets: Sequence[_Target], settings: SemgrepSettings) -> Iterable[SelfTestProblem]:
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-semgrep-test-") as scratch:
        folder = Path(scratch) / "pairs"
        folder.mkdir()
        by_stem: dict[str, _Target] = {}
        for number, target in enumerate(targets, start=1):
            stem = f"t{number}"
            by_stem[stem] = target
            rules = [build_rule(check, target.severity) for check in target.checks]
            (folder / f"{stem}.yaml").write_text(json.dumps({"rules": rules}), encoding="utf-8")
            (folder / f"{stem}{target.name}").write_text(target.text, encoding="utf-8")
        result = run_semgrep_test(find_binary(settings), folder, Path(scratch), settings)
    if result.output is None:
        tail = " | ".join(result.stderr.strip().splitlines()[-3:])
        why = f"semgrep test gave no result (exit {result.returncode}): {tail}"
        yield SelfTestProblem("semgrep test", None, None, why)
        return
    yield from _problems(result.output, by_stem)


def _problems(
    output: Mapping[str, Any], by_stem: Mapping[str, _Target]
) -> Iterator[SelfTestProblem]:
    for rules_path, outcome in sorted(output.get("results", {}).items()):
        target = by_stem.get(PurePosixPath(rules_path).stem)
        if target is None:
            continue
        for check_id, check in sorted(outcome.get("checks", {}).items()):
            for error in check.get("errors", []):
                yield SelfTestProblem(target.shown, None, check_id, f"semgrep: {error}")
            for matches in check.get("matches", {}).values():
                expected = set(matches.get("expected_lines", []))
                reported = set(matches.get("reported_lines", []))
                for line in sorted(expected - reported):
                    yield SelfTestProblem(
                        target.shown, line, check_id, f"'{check_id}' should match here but does not"
                    )
                for line in sorted(reported - expected):
                    yield SelfTestProblem(
                        target.shown,
                        line,
                        check_id,
                        f"'{check_id}' matches here without a '# ruleid: {check_id}' annotation",
                    )
    for broken in output.get("config_with_errors", []):
        yield SelfTestProblem(str(broken), None, None, "semgrep could not load this rule file")


def _shown(path: Path, pack_root: Path) -> str:
    try:
        return path.relative_to(pack_root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
