"""``mlsec-policy policy mutate``: whether some fixture case notices each removed condition.

For each control, every mutation (:mod:`.mutations`) becomes a copy of the control under a
tagged id (:mod:`.shadow`), and each fixture case is scanned once with the control and all its
copies. A mutation is *killed* when some case's oracle no longer matches what its copy gives,
*survives* when every case still matches (no fixture needs the condition), and is *broken*
when its copy errs where the case expects no error (the mutated rule itself is invalid, so it
says nothing about the fixtures).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mlsec_policy.models import ControlStatus, Severity
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import Control, ParamsReader, Policy
from mlsec_policy.policytest.cases import compare, load_cases, pack_controls, scan_case
from mlsec_policy.policytest.mutations import Mutation, mutations
from mlsec_policy.policytest.shadow import rename, tagged, with_probe


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the fixture cases made of one mutation."""

    mutation: Mutation
    outcome: str
    """``killed``, ``survived`` or ``broken``."""
    case: str = ""
    """The first case that noticed (killed) or erred (broken)."""


@dataclass(frozen=True, slots=True)
class ControlMutations:
    """The verdicts on one control's mutations."""

    control: Control
    verdicts: tuple[Verdict, ...] = ()
    problem: str = ""
    """Why the control was not mutated (its own fixtures fail, or it has none)."""
    survivors: tuple[Verdict, ...] = field(init=False)

    def __post_init__(self) -> None:
        alive = tuple(v for v in self.verdicts if v.outcome == "survived")
        object.__setattr__(self, "survivors", alive)

    @property
    def counted(self) -> int:
        """Return the number of mutations that say something (killed or survived)."""
        return sum(1 for v in self.verdicts if v.outcome != "broken")


def mutate_pack(
    policy: Policy,
    pack_root: Path,
    settings: SemgrepSettings,
    analyzers: Mapping[str, ParamsReader],
    *,
    only: Sequence[str] = (),
    severity: Severity | None = None,
    on_control: Callable[[ControlMutations], None] | None = None,
) -> list[ControlMutations]:
    """Mutate every control of the pack (or those listed, or of at least ``severity``)."""
    results: list[ControlMutations] = []
    for control in pack_controls(policy, pack_root, only):
        if severity is not None and control.meta.severity < severity:
            continue
        result = mutate_control(control, policy, settings, analyzers)
        results.append(result)
        if on_control is not None:
            on_control(result)
    return results


def mutate_control(
    control: Control,
    policy: Policy,
    settings: SemgrepSettings,
    analyzers: Mapping[str, ParamsReader],
) -> ControlMutations:
    """Scan each case of ``control`` once with all its mutants and judge every mutation."""
    cases = load_cases(control)
    found = mutations(control, analyzers)
    if not cases:
        return ControlMutations(control, problem="no fixture cases")
    mutants = {f"m{index}": _mutant(control, m, f"m{index}") for index, m in enumerate(found)}
    controls = with_probe(control) + tuple(
        part for mutant in mutants.values() for part in with_probe(mutant)
    )
    outcome: dict[str, Verdict] = {}
    for case in cases:
        report = scan_case(case, policy, controls, settings)
        original = compare(case, report)
        if not original.ok:
            problem = f"case {case.name} fails unmutated: {'; '.join(original.problems)}"
            return ControlMutations(control, problem=problem)
        for (tag, mutant), mutation in zip(mutants.items(), found, strict=True):
            if tag in outcome:
                continue
            seen = compare(case, report, mutant.id)
            if seen.status is ControlStatus.ERROR and case.status is not ControlStatus.ERROR:
                outcome[tag] = Verdict(mutation, "broken", case.name)
            elif not seen.ok:
                outcome[tag] = Verdict(mutation, "killed", case.name)
    verdicts = tuple(
        outcome.get(tag, Verdict(mutation, "survived"))
        for tag, mutation in zip(mutants, found, strict=True)
    )
    return ControlMutations(control, verdicts)


def _mutant(control: Control, mutation: Mutation, tag: str) -> Control:
    control_id = tagged(control.id, tag)
    checks = tuple(
        rename(mutation.check if check.id == mutation.check_id else check, control_id, tag)
        for check in control.checks
    )
    return replace(control, meta=replace(control.meta, id=control_id), checks=checks)


def survival_table(results: Sequence[ControlMutations]) -> str:
    """Return the survival rate per control and per severity as a Markdown document."""
    lines = [
        "# Rule-mutation survival",
        "",
        "Produced by `mlsec-policy policy mutate --write docs/mutation-survival.md`; do not edit.",
        "A mutation removes one condition of one check (see `policytest/mutations.py`); it",
        "*survives* when every fixture case of its control still passes without it.",
        "",
        "| Severity | Controls | Mutations | Survived | Rate |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for level in sorted(Severity, reverse=True):
        chosen = [r for r in results if r.control.meta.severity is level]
        lines.append(_row(level.label, chosen))
    lines.append(_row("all", list(results)))
    lines += ["", "| Control | Severity | Mutations | Survived | Rate | Broken |"]
    lines.append("| --- | --- | ---: | ---: | ---: | ---: |")
    for result in sorted(results, key=lambda r: r.control.id):
        counted, alive = result.counted, len(result.survivors)
        broken = len(result.verdicts) - counted
        rate = result.problem or _rate(alive, counted)
        lines.append(
            f"| {result.control.id} | {result.control.meta.severity.label} | {counted} "
            f"| {alive} | {rate} | {broken} |"
        )
    survivors = [v for r in results for v in r.survivors]
    lines += ["", "## Surviving mutations", ""]
    lines += [
        f"- {v.mutation.control_id} `{v.mutation.check_id}`: {v.mutation.description}"
        for v in survivors
    ] or ["None."]
    return "\n".join(lines) + "\n"


def _row(label: str, results: Sequence[ControlMutations]) -> str:
    counted = sum(r.counted for r in results)
    alive = sum(len(r.survivors) for r in results)
    return f"| {label} | {len(results)} | {counted} | {alive} | {_rate(alive, counted)} |"


def _rate(alive: int, counted: int) -> str:
    return f"{100 * alive / counted:.0f}%" if counted else "-"
