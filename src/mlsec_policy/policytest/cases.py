"""Run a policy pack's own fixtures: ``mlsec-policy policy test``.

Each control may keep ``tests/expected.yaml`` and one folder per case beside its control file.
A case folder is copied to a scratch directory (binary fixtures named by ``generated`` are
written there by code, never committed), scanned with only that control enabled (and its scope
probe, :mod:`.shadow`), and the outcome compared exactly with the case's oracle
(:mod:`.oracles`): the status, each finding with the check that must produce it, and the
evidence and scope matches.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from mlsec_policy.errors import PolicyError, PolicyErrors
from mlsec_policy.models import Attestation, ControlStatus, Report
from mlsec_policy.options import ScanOptions, SemgrepSettings
from mlsec_policy.policy.model import Control, Policy
from mlsec_policy.policytest.generators import GENERATORS
from mlsec_policy.policytest.oracles import (
    Marks,
    Oracle,
    differences,
    legacy_differences,
    marks_of,
    read_oracle,
)
from mlsec_policy.policytest.shadow import PROBE_TAG, scope_marks, tagged, untagged, with_probe
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
    oracle: Oracle
    generated: str | None
    attestations: tuple[Attestation, ...]

    @property
    def findings(self) -> frozenset[str]:
        """Return the places of the expected findings (``path:line``), whichever the check."""
        return frozenset(where for _, where in self.oracle.findings)


@dataclass(frozen=True, slots=True)
class Observed:
    """What a scan produced for one control: its status and marks under the original ids."""

    status: ControlStatus
    findings: Marks
    evidence: Marks
    scope: Marks
    detail: str
    """The errors or the reason behind the status, for messages."""


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """The comparison of one case's expectation with what the scan produced."""

    case: Case
    observed: Observed
    problems: tuple[str, ...]
    """Human-readable differences; empty when the case passed."""

    @property
    def status(self) -> ControlStatus:
        """Return the status the scan gave."""
        return self.observed.status

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
                read_oracle(spec),
                generated,
                attestations,
            )
        )
    if problems:
        raise PolicyErrors(problems)
    return cases


def run_case(case: Case, policy: Policy, settings: SemgrepSettings) -> CaseOutcome:
    """Scan one case folder with only its control (and its scope probe); compare the outcome."""
    control = policy.control(case.control_id)
    report = scan_case(case, policy, with_probe(control), settings)
    return compare(case, report)


def scan_case(
    case: Case, policy: Policy, controls: tuple[Control, ...], settings: SemgrepSettings
) -> Report:
    """Scan a copy of the case folder (with its generated files) with exactly ``controls``."""
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-case-") as scratch:
        target = Path(scratch) / case.name
        shutil.copytree(case.folder, target, symlinks=True)
        if case.generated:
            GENERATORS[case.generated](target)
        attestations = {a.control_id: a for a in case.attestations}
        options = ScanOptions(
            target=target,
            semgrep=settings,
            source_date_epoch=PINNED_EPOCH,
            attestations={
                control.id: attestations[untagged(control.id)]
                for control in controls
                if untagged(control.id) in attestations
            },
        )
        return scan(options, replace(policy, controls=controls))


def observe(report: Report, control_id: str) -> Observed:
    """Return what ``report`` says of ``control_id`` (a control or a tagged copy of one)."""
    results = {result.control.id: result for result in report.results}
    result = results[control_id]
    return Observed(
        result.status,
        marks_of((untagged(f.check_id), f.location) for f in result.findings),
        marks_of((untagged(e.check_id), e.location) for e in result.evidence),
        scope_marks(results.get(tagged(control_id, PROBE_TAG))),
        "; ".join(e.message for e in result.errors) or result.reason,
    )


def compare(case: Case, report: Report, control_id: str | None = None) -> CaseOutcome:
    """Compare a case's oracle with what ``report`` says of its control (or a tagged copy)."""
    observed = observe(report, control_id or case.control_id)
    return CaseOutcome(case, observed, tuple(problems(case, observed)))


def problems(case: Case, observed: Observed) -> list[str]:
    """Describe every way ``observed`` differs from the case's oracle; [] when it matches."""
    found: list[str] = []
    if observed.status is not case.status:
        found.append(
            f"status {observed.status.value}, expected {case.status.value} ({observed.detail})"
        )
    oracle = case.oracle
    if oracle.legacy:
        found += legacy_differences(oracle.findings, observed.findings)
        return found
    found += differences("findings", oracle.findings, observed.findings)
    found += differences("evidence", oracle.evidence, observed.evidence)
    found += differences("scope matches", oracle.scope, observed.scope)
    return found


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
