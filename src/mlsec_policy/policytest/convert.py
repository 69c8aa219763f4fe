"""``policy test --write-oracles``: give cases of the first oracle form their check ids.

A case written before oracles named checks lists its findings by place only. This runs each
such case and rewrites its oracle with the check behind every finding — and the evidence and
scope matches — but only when the scan agrees with what the case already says: the same status
and exactly the same places. Otherwise the case is left as it is and reported, because then
the old oracle and the scanner disagree and a person has to decide which is right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import yaml

from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import Control, Policy
from mlsec_policy.policytest.cases import (
    EXPECTED_FILE,
    CaseOutcome,
    fixtures_dir,
    load_cases,
    pack_controls,
    problems,
    run_case,
)
from mlsec_policy.policytest.oracles import read_oracle, write_marks
from mlsec_policy.yamlpos import load_single

CASE_KEYS = ("status", "generated", "attestations", "findings", "evidence", "scope")
"""The order in which a case's keys are written."""


@dataclass(frozen=True, slots=True)
class Conversion:
    """What happened to one legacy case."""

    control_id: str
    case: str
    converted: bool
    problems: tuple[str, ...] = ()
    """Why it was refused: how the scan disagrees with the old oracle."""


def write_oracles(
    policy: Policy,
    pack_root: Path,
    settings: SemgrepSettings,
    *,
    only: Sequence[str] = (),
    on_result: Callable[[Conversion], None] | None = None,
) -> list[Conversion]:
    """Convert every legacy case of the pack's controls that the scan confirms; rewrite files."""
    results: list[Conversion] = []
    for control in pack_controls(policy, pack_root, only):
        for result in convert_control(control, policy, settings):
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results


def convert_control(
    control: Control, policy: Policy, settings: SemgrepSettings
) -> list[Conversion]:
    """Convert a control's legacy cases that the scan confirms; rewrite its expected file."""
    legacy = [case for case in load_cases(control) if case.oracle.legacy]
    if not legacy:
        return []
    expected = fixtures_dir(control) / EXPECTED_FILE
    data = cast(dict[str, Any], load_single(expected.read_text(encoding="utf-8")).data)
    results: list[Conversion] = []
    for case in legacy:
        outcome = run_case(case, policy, settings)
        if not outcome.ok:
            results.append(Conversion(control.id, case.name, False, outcome.problems))
            continue
        spec = new_oracle(data["cases"][case.name], outcome)
        after = problems(replace(case, oracle=read_oracle(spec)), outcome.observed)
        if after:  # the rewritten oracle must accept the very outcome it was written from
            results.append(Conversion(control.id, case.name, False, tuple(after)))
            continue
        data["cases"][case.name] = spec
        results.append(Conversion(control.id, case.name, True))
    if any(result.converted for result in results):
        expected.write_text(render_expected(data), encoding="utf-8")
    return results


def new_oracle(spec: dict[str, Any], outcome: CaseOutcome) -> dict[str, Any]:
    """Return a case's spec with the oracle of ``outcome``: findings, evidence, scope."""
    written = dict(spec)
    written["findings"] = write_marks(outcome.observed.findings)
    for key, marks in (("evidence", outcome.observed.evidence), ("scope", outcome.observed.scope)):
        written.pop(key, None)
        if marks:
            written[key] = write_marks(marks)
    return {key: written[key] for key in CASE_KEYS if key in written}


class _Dumper(yaml.SafeDumper):
    """Block style with sequences indented under their key, as the pack writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def render_expected(data: dict[str, Any]) -> str:
    """Return the text of an expected file, deterministically."""
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    return str(text)
