"""Run a policy pack's own fixtures: ``mlsec-policy policy test``.

Each control may keep ``tests/expected.yaml`` and one folder per case beside its control file.
A case folder is copied to a scratch directory (binary fixtures named by ``generated`` are
written there by code, never committed), scanned with only that control enabled, and the
outcome compared exactly: the status, and the set of ``path:line`` findings.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from mlsec_policy.errors import PolicyError, PolicyErrors
from mlsec_policy.models import Attestation, ControlStatus, Finding, Report
from mlsec_policy.options import ScanOptions, SemgrepSettings
from mlsec_policy.policy.model import Control, Policy
from mlsec_policy.policytest.generators import GENERATORS
from mlsec_policy.scan import scan
from mlsec_policy.schema_check import check_document
from mlsec_policy.yamlpos import YamlError, load_single

EXPECTED_FILE = "expected.yaml"
PASSING = frozenset({ControlStatus.PASS, ControlStatus.ATTESTED})
FAILING = frozenset({ControlStatus.FAIL, ControlStatus.NEEDS_ATTESTATION})
PINNED_EPOCH = 1_767_225_600
"""2026-01-01T00:00:00Z: fixtures are evaluated on a fixed date, so expiry tests stay valid."""


@dataclass(frozen=True, slots=True)
class Case:
    """One fixture case of one control."""

    control_id: str
    name: str
    folder: Path
    status: ControlStatus
    findings: frozenset[str]
    generated: str | None
    attestations: tuple[Attestation, ...]


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """The comparison of one case's expectation with what the scan produced."""

    case: Case
    status: ControlStatus
    findings: frozenset[str]
    problems: tuple[str, ...]
    """Human-readable differences; empty when the case passed."""

    @property
    def ok(self) -> bool:
        """Return True when the case behaved exactly as expected."""
        return not self.problems


def fixtures_dir(control: Control) -> Path:
    """Return the folder holding a control's fixtures."""
    return control.path.parent / "tests"


def load_cases(control: Control) -> list[Case]:
    """Read a control's ``tests/expected.yaml``; return [] when it has none."""
    expected = fixtures_dir(control) / EXPECTED_FILE
    if not expected.is_file():
        return []
    try:
        document = load_single(expected.read_text(encoding="utf-8"))
    except YamlError as exc:
        raise PolicyErrors(
            [
                PolicyError(
                    f"invalid YAML: {exc.message}",
                    path=str(expected),
                    line=exc.line,
                    column=exc.column,
                )
            ]
        ) from None
    problems = check_document(document, "fixtures.schema.json", str(expected))
    data = cast(dict[str, Any], document.data)
    cases: list[Case] = []
    for name, spec in data.get("cases", {}).items() if not problems else ():
        folder = fixtures_dir(control) / name
        position = document.positions.of(("cases", name))
        line = position[0] if position else None
        if not folder.is_dir():
            problems.append(
                PolicyError(f"case folder {name!r} does not exist", path=str(expected), line=line)
            )
            continue
        generated = spec.get("generated")
        if generated is not None and generated not in GENERATORS:
            problems.append(
                PolicyError(
                    f"unknown fixture generator {generated!r}",
                    path=str(expected),
                    line=line,
                    hint="known: " + ", ".join(sorted(GENERATORS)),
                )
            )
            continue
        attestations = tuple(
            Attestation(control.id, a["by"], a["date"], a["evidence"], a["expires"], a.get("note"))
            for a in spec.get("attestations", [])
        )
        cases.append(
            Case(
                control.id,
                name,
                folder,
                ControlStatus(spec["status"]),
                frozenset(spec.get("findings", [])),
                generated,
                attestations,
            )
        )
    if problems:
        raise PolicyErrors(problems)
    return cases


def run_case(case: Case, policy: Policy, settings: SemgrepSettings) -> CaseOutcome:
    """Scan one case folder with only its control and compare the outcome."""
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-case-") as scratch:
        target = Path(scratch) / case.name
        shutil.copytree(case.folder, target, symlinks=True)
        if case.generated:
            GENERATORS[case.generated](target)
        control = policy.control(case.control_id)
        options = ScanOptions(
            target=target,
            semgrep=settings,
            source_date_epoch=PINNED_EPOCH,
            attestations={a.control_id: a for a in case.attestations},
        )
        report = scan(options, replace(policy, controls=(control,)))
    return compare(case, report)


def compare(case: Case, report: Report) -> CaseOutcome:
    """Compare a case's expectation with a report restricted to its control."""
    result = next(r for r in report.results if r.control.id == case.control_id)
    found = frozenset(_key(f) for f in result.findings)
    problems: list[str] = []
    if result.status is not case.status:
        detail = "; ".join(e.message for e in result.errors) or result.reason
        problems.append(f"status {result.status.value}, expected {case.status.value} ({detail})")
    if found != case.findings:
        missing = sorted(case.findings - found)
        extra = sorted(found - case.findings)
        if missing:
            problems.append("missing findings: " + ", ".join(missing))
        if extra:
            problems.append("unexpected findings: " + ", ".join(extra))
    return CaseOutcome(case, result.status, found, tuple(problems))


def run_pack(
    policy: Policy,
    pack_root: Path,
    settings: SemgrepSettings,
    *,
    only: Sequence[str] = (),
    workers: int = 2,
    on_outcome: Callable[[CaseOutcome], None] | None = None,
) -> list[CaseOutcome]:
    """Run the fixtures of every control defined in ``pack_root`` (or only those listed)."""
    controls = pack_controls(policy, pack_root, only)
    cases = [case for control in controls for case in load_cases(control)]
    outcomes: list[CaseOutcome] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for outcome in pool.map(lambda c: run_case(c, policy, settings), cases):
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    return outcomes


def pack_controls(policy: Policy, pack_root: Path, only: Sequence[str] = ()) -> list[Control]:
    """Return the enabled controls defined in ``pack_root`` (or only those listed)."""
    root = pack_root.resolve()
    return [c for c in policy.controls if root in c.path.parents and (not only or c.id in only)]


def coverage_gaps(policy: Policy, pack_root: Path) -> Mapping[str, str]:
    """Return, per control of the pack, what its fixtures lack (a failing or a passing case)."""
    root = pack_root.resolve()
    gaps: dict[str, str] = {}
    for control in policy.controls:
        if root not in control.path.parents:
            continue
        statuses = {case.status for case in load_cases(control)}
        lacking = []
        if not statuses & FAILING:
            lacking.append("a failing case")
        if not statuses & PASSING:
            lacking.append("a passing case")
        if lacking:
            gaps[control.id] = " and ".join(lacking)
    return gaps


def _key(finding: Finding) -> str:
    line = finding.location.start_line
    return finding.location.path if line is None else f"{finding.location.path}:{line}"
