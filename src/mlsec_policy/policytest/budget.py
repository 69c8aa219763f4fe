"""A time budget for every semgrep rule of a pack, measured on the generated stress file.

One semgrep process runs every rule that reads Python over the file of :mod:`.stress` with
``--time``. The unit is what the same process spent *parsing* the file — work that grows
linearly with its size — and a rule may spend at most :data:`RATIO` times that. Both figures
come from the same process at the same moment, so a slow machine slows both alike; the bound
is generous because what it must catch is a rule whose cost grows with the square of a
function's length (tens of times the parse, minutes on a real file).

Semgrep's figures are wall-clock time, which other work on a busy machine can inflate, and
semgrep leaves some of a rule's work out of the rule's own figure (the evaluation of
``metavariable-pattern`` conditions, for instance). So:

- when the time the process attributes to no rule could exceed the budget, the rules are
  split in halves and each half is measured again, down to single rules, so that hidden work
  is pinned on the rule that did it;
- a rule over budget is confirmed in a process of its own by CPU time: what it adds to a
  process that only parses the file, as a multiple of that process's CPU time. Only a rule
  over budget by both measures fails; a rule stopped at the time limit fails outright.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mlsec_policy.engines.semgrep.process import RunResult, find_binary, run_rules
from mlsec_policy.models import ArtifactKind, JsonValue, Severity
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import Check, SemgrepCheck
from mlsec_policy.policy.semgrep_rules import build_rule
from mlsec_policy.policytest.stress import STRESS_LINES, stress_source

RATIO = 15.0
"""A rule may spend this many times the parse of the stress file."""

RULE_TIMEOUT = 300
"""Seconds semgrep may spend on one rule before it is stopped (and over budget)."""

STRESS_NAME = "interface.py"

REFERENCE_RULE: dict[str, JsonValue] = {
    "id": "mlsec-policy-budget-reference",
    "message": "visits every call and matches none",
    "severity": "INFO",
    "languages": ["python"],
    "patterns": [
        {"pattern": "$F(...)"},
        {"metavariable-regex": {"metavariable": "$F", "regex": "^[0-9]$"}},
    ],
}
"""The rule of the process a suspect is compared with: it parses the file and does little."""


@dataclass(frozen=True, slots=True)
class RuleTime:
    """What one rule cost on the stress file."""

    check: SemgrepCheck
    seconds: float
    """Seconds semgrep spent on the rule (its own figure, plus hidden work when isolated)."""
    ratio: float
    """Its multiple of the parse of the file, in the shared run."""
    timed_out: bool = False
    alone: float | None = None
    """For a rule over budget in the shared run: in a process of its own, the CPU time it
    adds to a process that only parses the file, as a multiple of that process's."""

    def over(self, limit: float) -> bool:
        """Return True when the rule was stopped, or is over ``limit`` by every measure."""
        if self.timed_out:
            return True
        return self.ratio > limit and (self.alone is None or self.alone > limit)


@dataclass(frozen=True, slots=True)
class BudgetResult:
    """Every measured rule of a pack, and the budget they were held to."""

    unit: float
    """Seconds semgrep spent parsing the stress file (in the first, complete run)."""
    limit: float
    """The ratio no rule may exceed."""
    times: tuple[RuleTime, ...]
    problems: tuple[str, ...] = ()
    """Runs that gave no usable result (the budget could not be checked)."""
    lines: int = STRESS_LINES

    @property
    def budget(self) -> float:
        """Return the budget in seconds of the shared run."""
        return self.limit * self.unit

    @property
    def over(self) -> tuple[RuleTime, ...]:
        """Return the rules over budget, slowest first."""
        return tuple(t for t in self.ordered() if t.over(self.limit))

    @property
    def ok(self) -> bool:
        """Return True when every rule was measured and none is over budget."""
        return not self.problems and not self.over

    def ordered(self) -> tuple[RuleTime, ...]:
        """Return the measured rules, slowest first (ties by check id)."""
        return tuple(sorted(self.times, key=lambda t: (not t.timed_out, -t.seconds, t.check.id)))


@dataclass(frozen=True, slots=True)
class _Run:
    """One semgrep run's figures."""

    parse: float
    seconds: Mapping[str, float]
    """Each rule's own figure, by check id."""
    hidden: float
    """Time of the file's analysis that semgrep attributes to no rule."""
    timed_out: frozenset[str]
    cpu: float
    problem: str | None = None


def timed_checks(checks: Sequence[Check]) -> list[SemgrepCheck]:
    """Return the semgrep checks that read Python files (the ones the stress file exercises)."""
    return [c for c in checks if isinstance(c, SemgrepCheck) and ArtifactKind.PYTHON in c.kinds]


def measure_budget(
    checks: Sequence[Check],
    severities: Mapping[str, Severity],
    settings: SemgrepSettings,
    *,
    ratio: float = RATIO,
    rule_timeout: int = RULE_TIMEOUT,
    lines: int = STRESS_LINES,
) -> BudgetResult:
    """Time every Python-reading semgrep check of ``checks`` on the stress file."""
    timed = timed_checks(checks)
    if not timed:
        return BudgetResult(0.0, ratio, (), lines=lines)
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-budget-") as scratch:
        folder = Path(scratch)
        vocabulary = [json.dumps(check.rule) for check in timed]
        (folder / STRESS_NAME).write_text(stress_source(vocabulary, lines), encoding="utf-8")
        timing = _Timing(folder, severities, settings, rule_timeout)
        first = timing.run(timed)
        if first.problem is not None:
            return BudgetResult(0.0, ratio, (), (first.problem,), lines)
        times, problems = timing.attribute(timed, first, first.parse, ratio)
        confirmed = timing.confirm(times, first.parse, ratio)
    return BudgetResult(first.parse, ratio, tuple(confirmed), tuple(problems), lines)


class _Timing:
    """Runs semgrep with ``--time`` on the stress file for a group of checks."""

    def __init__(
        self,
        folder: Path,
        severities: Mapping[str, Severity],
        settings: SemgrepSettings,
        rule_timeout: int,
    ) -> None:
        self.folder = folder
        self.severities = severities
        self.settings = replace(settings, jobs=1, timeout=rule_timeout)
        self.runs = 0

    def run(self, checks: Sequence[SemgrepCheck], *, reference: bool = False) -> _Run:
        """Run ``checks`` (or only the reference rule) over the stress file."""
        self.runs += 1
        rules_file = self.folder / f"rules-{self.runs}.json"
        rules = [build_rule(c, self.severities[c.control_id]) for c in checks]
        if reference:
            rules.append(REFERENCE_RULE)
        rules_file.write_text(json.dumps({"rules": rules}), encoding="utf-8")
        result = run_rules(
            find_binary(self.settings),
            rules_file,
            [STRESS_NAME],
            self.folder,
            self.folder,
            self.settings,
            extra=("--time",),
        )
        return _figures(result, {c.id for c in checks})

    def attribute(
        self, checks: Sequence[SemgrepCheck], run: _Run, unit: float, limit: float
    ) -> tuple[list[RuleTime], list[str]]:
        """Give each check its time; split the group while hidden time could exceed budget."""
        if run.problem is not None:
            return [], [run.problem]
        if run.hidden <= limit * unit or len(checks) == 1:
            extra = run.hidden if len(checks) == 1 else 0.0
            return [
                _time(c, run.seconds.get(c.id, 0.0) + extra, unit, c.id in run.timed_out)
                for c in checks
            ], []
        times = [
            _time(c, run.seconds.get(c.id, 0.0), unit, True)
            for c in checks
            if c.id in run.timed_out
        ]
        rest = [c for c in checks if c.id not in run.timed_out]
        problems: list[str] = []
        middle = len(rest) // 2
        for half in (rest[:middle], rest[middle:]):
            if half:
                found, trouble = self.attribute(half, self.run(half), unit, limit)
                times.extend(found)
                problems.extend(trouble)
        return times, problems

    def confirm(self, times: list[RuleTime], unit: float, limit: float) -> list[RuleTime]:
        """Measure again, by CPU time and alone, each rule over budget that was not stopped."""
        suspects = [t for t in times if not t.timed_out and t.ratio > limit]
        if not suspects:
            return times
        base = self.run([], reference=True)
        if base.problem is not None or base.cpu <= 0:
            return times
        confirmed: dict[str, RuleTime] = {}
        for suspect in suspects:
            alone = self.run([suspect.check], reference=True)
            if alone.problem is not None:
                continue
            confirmed[suspect.check.id] = replace(
                suspect,
                timed_out=suspect.check.id in alone.timed_out,
                alone=max(0.0, alone.cpu - base.cpu) / base.cpu,
            )
        return [confirmed.get(t.check.id, t) for t in times]


def _time(check: SemgrepCheck, seconds: float, unit: float, timed_out: bool) -> RuleTime:
    return RuleTime(check, seconds, seconds / unit if unit else 0.0, timed_out)


def _figures(result: RunResult, ids: set[str]) -> _Run:
    if result.output is None:
        tail = " | ".join(result.stderr.strip().splitlines()[-3:])
        return _Run(0.0, {}, 0.0, frozenset(), 0.0, f"semgrep gave no result: {tail}")
    output: Mapping[str, Any] = result.output
    timing = output.get("time") or {}
    rules = [str(rule).rsplit(".", 1)[-1] for rule in timing.get("rules", [])]
    seconds: dict[str, float] = dict.fromkeys(ids, 0.0)
    parse = hidden = 0.0
    for target in timing.get("targets", []):
        matches = [float(t) for t in target.get("match_times", [])]
        parses = [float(t) for t in target.get("parse_times", [])]
        for rule, spent in zip(rules, matches, strict=False):
            if rule in seconds:
                seconds[rule] += spent
        parse += sum(parses)
        hidden += max(0.0, float(target.get("run_time", 0.0)) - sum(parses) - sum(matches))
    timed_out = frozenset(
        str(error.get("rule_id", "")).rsplit(".", 1)[-1]
        for error in output.get("errors", [])
        if "timeout" in str(error.get("type", "")).lower()
    )
    if not timing.get("targets"):
        problem = "semgrep reported no timing for the stress file"
        return _Run(0.0, seconds, 0.0, timed_out, result.cpu_seconds, problem)
    return _Run(parse, seconds, hidden, timed_out, result.cpu_seconds)


def budget_lines(result: BudgetResult, *, profile: bool = False) -> list[str]:
    """Return what ``policy test`` prints about the budget (every rule's time with profile).

    Nothing when the pack has no rule that reads Python.
    """
    if not result.times and not result.problems:
        return []
    lines: list[str] = [f"SEMGREP {problem}" for problem in result.problems]
    if profile:
        for time in result.ordered():
            state = "stopped at the time limit" if time.timed_out else f"{time.seconds:8.2f} s"
            alone = f" (alone, by CPU time: {time.alone:.1f}x)" if time.alone is not None else ""
            lines.append(
                f"TIME  {state} {time.ratio:6.1f}x  {time.check.id} ({time.check.control_id})"
                + alone
            )
    for time in result.over:
        if time.timed_out:
            spent = "was stopped at the time limit"
        else:
            spent = (
                f"took {time.seconds:.1f} s, {time.ratio:.0f} times the {result.unit:.2f} s "
                "semgrep spent parsing it"
            )
            if time.alone is not None:
                spent += f" ({time.alone:.0f} times by CPU time, alone)"
        lines.append(
            f"SLOW  {time.check.id} ({time.check.control_id}) {spent} on the generated "
            f"{result.lines:,}-line file; the budget is {result.limit:g} times. Rewrite the "
            "rule so that its cost does not grow with the length of a function "
            "(docs/rule-performance.md)"
        )
    verdict = "ok" if result.ok else "FAILED"
    lines.append(
        f"budget: {len(result.times)} rule(s) timed on a generated {result.lines:,}-line Python "
        f"file, at most {result.budget:.1f} s each: {verdict}"
    )
    return lines
