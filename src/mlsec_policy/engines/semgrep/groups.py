"""Which rules semgrep runs on which files: taint rules only on files that hold their words.

Semgrep already skips a rule on a file that lacks the rule's literal words, but for a taint rule
it looks at the words of the sources alone (measured on transformers 5.23.0: three taint rules
whose sources are ``str(...)``-like calls took 57 % of semgrep's matching time on files that
name none of their sinks). A taint finding needs a source and a sink in the same file, so
:func:`~mlsec_policy.engines.semgrep.prefilter.clauses` asks for a word of each.

Files are grouped by the taint rules they cannot match; each group is one semgrep run with the
other rules, so every file is still read by exactly one semgrep process and parsed once. At
most :data:`MAX_GROUPS` groups run: the smallest ones are merged, and a merged group skips only
the rules all its files could skip (running a rule on a file that cannot match it is harmless).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mlsec_policy.engines.semgrep.prefilter import clauses, may_match
from mlsec_policy.engines.semgrep.target import Target, read_scanned
from mlsec_policy.policy.model import SemgrepCheck

MAX_GROUPS = 6
"""Semgrep processes per scan at most (before the split into batches of target paths)."""


@dataclass(frozen=True, slots=True)
class Group:
    """Files that semgrep scans with the same rules."""

    checks: tuple[SemgrepCheck, ...]
    targets: tuple[Target, ...]


def plan(
    checks: Sequence[SemgrepCheck],
    targets: Sequence[Target],
    root: Path,
    limit: int = MAX_GROUPS,
) -> list[Group]:
    """Return at most ``limit`` groups, largest first; the targets keep their order in each."""
    restricted = {c.id: clauses(c.rule) for c in checks if c.rule.get("mode") == "taint"}
    restricted = {rule: need for rule, need in restricted.items() if need}
    if not restricted or not targets:
        return [Group(tuple(checks), tuple(targets))]
    by_skipped: dict[frozenset[str], list[Target]] = {}
    for target in targets:
        text = read_scanned(target, root)
        skipped = frozenset(rule for rule, need in restricted.items() if not may_match(need, text))
        by_skipped.setdefault(skipped, []).append(target)
    ordered = sorted(by_skipped.items(), key=lambda item: (-len(item[1]), sorted(item[0])))
    kept = ordered[: limit - 1]
    rest = ordered[limit - 1 :]
    if rest:
        common = frozenset.intersection(*(skipped for skipped, _ in rest))
        kept.append((common, [t for _, group in rest for t in group]))
    return [
        Group(tuple(c for c in checks if c.id not in skipped), tuple(group))
        for skipped, group in kept
    ]
