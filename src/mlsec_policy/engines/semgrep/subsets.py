"""Each semgrep run gets only the rules that can act on its files, and no file none can act on.

Before semgrep runs a rule on a file it tests the file's text against a formula it derives
from the rule — its prefilter: words that must occur, regexes that must match, joined by and
and or — and skips the rule where the formula fails. It parses a file lazily, for the rules
that pass: a file no rule passes is not parsed at all, so not even a syntax error in it is
reported. ``semgrep-core -prefilter_of_rules`` prints those formulas. This module reads them
once per rule set and evaluates them on the text semgrep would scan for each target, never
more strictly than semgrep does (a word is looked for as a plain substring, as semgrep does;
a regex predicate, or anything this module does not know, passes). Therefore:

- a rule that no target of a run passes would have done nothing in that run: it is left out
  of the run's rules file, so semgrep does not load and compile it;
- a target that no rule passes would have been skipped whole by semgrep: it is not handed to
  semgrep at all, and its results are the empty ones semgrep would have given.

A rule of a text language (``generic``, ``regex``) is kept only for targets of its kinds that
its paths allow: semgrep would run it on any file, but those results and errors are dropped
(:mod:`.results`, :mod:`.problems`), and text rules parse nothing that can fail. A rule of a
parsed language (Python, YAML, JSON) counts for every target semgrep gives it by the scanned
name (never a ``.py`` file to a YAML rule), whatever the target's kind: the parse it triggers
can report a syntax error that concerns the file's other checks.

Results are identical with and without subsets (``tests/test_semgrep_subsets.py``): the
decision is semgrep's own, taken earlier. Where the formulas cannot be had (another semgrep
binary, a rule semgrep-core rejects — the full run then reports it as before) every rule runs
on every target, as it always did. Evaluating the formulas costs CPU in proportion to the
bytes and the rules (about 1.4 ns per byte and rule on transformers), so it is done only
where it can pay (:data:`PRUNING_BUDGET`, :data:`SUBSET_BUDGET`).
``MLSEC_POLICY_SEMGREP_SUBSETS=0`` turns it off.

With the gates on (:mod:`.gates`, the default) every target is read and a rule counts for it
only when it also passes the word formula of :func:`.prefilter.formula`; each run's rules file then
keeps every rule off the run's files that fail its gate.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlsec_policy.cache import ResultStore
from mlsec_policy.engines.semgrep import gates
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.formulas import Formula, RuleFormulas, prefilters
from mlsec_policy.engines.semgrep.prefilter import formula
from mlsec_policy.engines.semgrep.reach import Reach
from mlsec_policy.engines.semgrep.target import (
    Target,
    read_scanned,
    scanned_language,
    words_reliable,
)
from mlsec_policy.engines.semgrep.targetpaths import TargetPaths
from mlsec_policy.engines.semgrep.wordformula import Node, words
from mlsec_policy.models import Severity
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import SemgrepCheck

PRUNING_BUDGET = 2**30
"""Byte-rule pairs worth evaluating in a large run over the targets that no rule without a
formula reaches, which may be left out of semgrep entirely (about a CPU-second at most)."""

SUBSET_BUDGET = 2**26
"""Byte-rule pairs below which every target is read, so that rules can be left out of the
run (about 0.1 CPU-s)."""


def enabled() -> bool:
    """Return False when the environment turns rule subsets off (for comparisons)."""
    return os.environ.get("MLSEC_POLICY_SEMGREP_SUBSETS", "1") != "0"


@dataclass
class Selection:
    """Which rules each target may need, and the rules files of the runs."""

    checks: Sequence[SemgrepCheck]
    severities: Mapping[str, Severity]
    scratch: Path
    wants: dict[str, frozenset[str]]
    """Target (its scanned path) → ids of the rules whose formulas it passes."""
    gated: bool = False
    """True when ``wants`` are the gates (:mod:`.gates`): each rule runs only on its files."""
    paths: TargetPaths | None = None
    """How semgrep spells the targets in path patterns (with the gates: :func:`.gates.excludes`)."""
    written: dict[tuple[str, ...], Path] = field(default_factory=dict)

    def needed(self, target: Target) -> bool:
        """Return True when some rule may act on the target (semgrep must see it)."""
        return bool(self.wants[target.scanned])

    def split(
        self, targets: Sequence[Target], sizes: Sequence[int], version_known: bool
    ) -> tuple[list[Target], list[int], list[Target]]:
        """Return the targets semgrep must see, their sizes, and the targets left out.

        When every target is left out and semgrep's version is not known from the cache,
        the first still goes to semgrep (with no rule) so that the report names the version.
        """
        left = [t for t in targets if not self.needed(t)]
        if left and len(left) == len(targets) and not version_known:
            left = left[1:]
        gone = {t.scanned for t in left}
        pairs = [(t, s) for t, s in zip(targets, sizes, strict=True) if t.scanned not in gone]
        return [t for t, _ in pairs], [s for _, s in pairs], left

    def exclusions(self, batch: Sequence[str], ids: Sequence[str]) -> dict[str, list[str]]:
        """Return, per rule of ``ids``, the patterns that keep it off files failing its gate.

        Without the gates there are none: every rule of a run runs on all of its files.
        """
        if not self.gated or self.paths is None:
            return {}
        return gates.excludes(batch, self.wants, ids, self.paths)

    def write_ahead(self, batches: Iterable[Sequence[str]]) -> None:
        """Write each batch's rules file now: :meth:`rules_file` then finds it written.

        The gates of a wave are decided while the runs before it work; the rules files of its
        runs (each rule's exclusions, about 80 ms a run on transformers) are written then too,
        not when a core has come free.
        """
        for batch in batches:
            self.rules_file(batch)

    def rules_file(self, batch: Sequence[str]) -> Path:
        """Return a rules file holding the rules some target of ``batch`` passes."""
        union: set[str] = set()
        for scanned in batch:
            union |= self.wants.get(scanned, frozenset())
        ids = tuple(check.id for check in self.checks if check.id in union)
        skip = self.exclusions(batch, ids)
        key = (*ids, json.dumps(skip, sort_keys=True))
        if key not in self.written:
            name = hashlib.sha256("\n".join(key).encode()).hexdigest()[:16]
            path = self.scratch / f"semgrep-rules-{name}.json"
            chosen = [c for c in self.checks if c.id in union]
            write_rules(path, chosen, self.severities, skip)
            self.written[key] = path
        return self.written[key]


def select(
    targets: Sequence[Target],
    sizes: Sequence[int],
    checks: Sequence[SemgrepCheck],
    severities: Mapping[str, Severity],
    rules_file: Path,
    root: Path,
    scratch: Path,
    settings: SemgrepSettings,
    store: ResultStore | None,
    shared: Gating | None = None,
) -> Selection | None:
    """Return the rules each target may need, or None when every rule must run on every target.

    ``shared``: what the scan's earlier waves fetched, derived and learned (one per scan).

    Text rules always go only to targets of their kinds and paths (that needs no reading);
    the formulas are evaluated on the targets' text only where it may pay. Fetching them
    also proves that semgrep-core accepts every rule: when it does not, every rule runs, so
    the scan reports the rejected rule as it always did.
    """
    if not enabled() or not targets:
        return None
    shared = shared or Gating()
    formulas = shared.prefilters(rules_file, settings, store)
    if formulas is None or set(formulas) != {c.id for c in checks}:
        return None
    reach = [Reach.of(check) for check in checks]
    applicable: dict[str, list[SemgrepCheck]] = {}
    for target in targets:
        language = scanned_language(target.scanned)
        applicable[target.scanned] = [r.check for r in reach if r.applies(target, language)]
    # small runs: every target is read, so that rules can be left out; large ones: only the
    # targets that could be left out (no rule without a formula applies to them), when few
    small = sum(sizes) * len(checks) <= SUBSET_BUDGET
    prunable = {
        t.scanned: size
        for t, size in zip(targets, sizes, strict=True)
        if all(formulas[c.id] is not None for c in applicable[t.scanned])
    }
    pruning = sum(prunable.values()) * len(checks) <= PRUNING_BUDGET
    if gates.enabled():
        words = shared.words(checks, formulas)
        return _gated(targets, checks, severities, words, applicable, root, scratch)
    wants: dict[str, frozenset[str]] = {}
    for target in targets:
        found = applicable[target.scanned]
        if not small and not (pruning and target.scanned in prunable):
            wants[target.scanned] = frozenset(check.id for check in found)
            continue
        text = read_scanned(target, root)
        memo: dict[str, bool] = {}
        wants[target.scanned] = frozenset(
            check.id for check in found if passes(formulas[check.id], text, memo)
        )
    return Selection(checks, severities, scratch, wants)


class Gating:
    """What the gates of one scan's waves share (:func:`select` per wave, one after another).

    semgrep's prefilters are fetched once (one ``semgrep-core -prefilter_of_rules``), the
    rules' word formulas derived once, and the word index keeps what earlier waves' texts
    taught it (:class:`.gates.LocatedIndex`): a wave asks nothing the ones before it asked.
    """

    def __init__(self, memo: RuleFormulas | None = None) -> None:
        """Start with nothing fetched; ``memo``: the formulas the scan's other runs fetched."""
        self._memo = memo
        self._formulas: dict[str, Formula] | None = None
        self._fetched = False
        self._words: _Words | None = None

    def prefilters(
        self, rules_file: Path, settings: SemgrepSettings, store: ResultStore | None
    ) -> dict[str, Formula] | None:
        """Return :func:`prefilters` of the scan's rules file, fetched at the first call."""
        if not self._fetched:
            self._formulas = prefilters(rules_file, settings, store, self._memo)
            self._fetched = True
        return self._formulas

    def words(self, checks: Sequence[SemgrepCheck], formulas: Mapping[str, Formula]) -> _Words:
        """Return the words of the scan's rules, derived at the first call."""
        if self._words is None:
            self._words = _Words.of(checks, formulas)
        return self._words


@dataclass(frozen=True, slots=True)
class _Words:
    """The words each rule's gate looks at, their index, and the gates already decided."""

    formulas: Mapping[str, Formula]
    required: dict[str, Node]
    spelled: dict[str, frozenset[bytes]]
    relevant: dict[str, frozenset[bytes]]
    index: gates.LocatedIndex
    decided: dict[tuple[str, frozenset[bytes]], bool]

    @classmethod
    def of(cls, checks: Sequence[SemgrepCheck], formulas: Mapping[str, Formula]) -> _Words:
        required = {check.id: formula(check.rule) for check in checks}
        spelled = {
            check.id: frozenset(w.encode("utf-8") for w in _idents(formulas[check.id]))
            for check in checks
        }
        index = gates.LocatedIndex(
            frozenset().union(*spelled.values(), *(words(f) for f in required.values()))
        )
        relevant = {c.id: spelled[c.id] | words(required[c.id]) for c in checks}
        return cls(formulas, required, spelled, relevant, index, {})

    def passing(self, check: SemgrepCheck, present: frozenset[bytes]) -> bool:
        """Return True when the check's gate passes a text holding the words ``present``."""
        key = (check.id, self.relevant[check.id] & present)
        if key not in self.decided:
            memo = {word.decode("utf-8"): word in key[1] for word in self.spelled[check.id]}
            self.decided[key] = passes(self.formulas[check.id], b"", memo) and gates.satisfied(
                self.required[check.id], key[1]
            )
        return self.decided[key]


def _gated(
    targets: Sequence[Target],
    checks: Sequence[SemgrepCheck],
    severities: Mapping[str, Severity],
    known: _Words,
    applicable: Mapping[str, list[SemgrepCheck]],
    root: Path,
    scratch: Path,
) -> Selection:
    """Return the selection where each target's rules are those that pass its gate.

    Every target is read; one pass over its text finds which words of semgrep's formulas and
    of the rules' word formulas (:func:`.prefilter.formula`) it holds
    (:class:`.gates.LocatedIndex`). Both outcomes depend only on which of their words occur
    (a regex predicate passes), so each is decided once per rule and set of its words present.
    """
    wants: dict[str, frozenset[str]] = {}
    for start in range(0, len(targets), LEARNED_TOGETHER):
        chunk = targets[start : start + LEARNED_TOGETHER]
        texts = [read_scanned(target, root) for target in chunk]
        found = known.index.found_each(texts)
        for target, text, present in zip(chunk, texts, found, strict=True):
            reliable = words_reliable(text)  # once per text, not once per rule it fails
            wants[target.scanned] = frozenset(
                c.id
                for c in applicable[target.scanned]
                if not reliable or known.passing(c, present)
            )
    return Selection(checks, severities, scratch, wants, gated=True, paths=TargetPaths(root))


LEARNED_TOGETHER = 64
"""Targets whose new runs of words the index learns in one batch (each of the pack's words is
searched once per batch: per target, those searches cost more than the rest of the gate)."""


def _idents(formula: Formula) -> Iterator[str]:
    """Yield the words of a formula's ``Idents`` predicates."""
    if not isinstance(formula, list):
        return
    if len(formula) == 2 and formula[0] == "Idents" and isinstance(formula[1], list):
        yield from (str(word) for word in formula[1])
        return
    for part in formula:
        yield from _idents(part)


def passes(formula: Formula, text: bytes, memo: dict[str, bool]) -> bool:
    """Return False only when semgrep's prefilter surely rejects ``text`` (``memo``: words)."""
    if formula is None:
        return True
    if not isinstance(formula, list) or len(formula) != 2:
        return True
    op, argument = formula
    if op == "Some":
        return passes(argument, text, memo)
    if op == "And" and isinstance(argument, list):
        return all(passes(part, text, memo) for part in argument)
    if op == "Or" and isinstance(argument, list):
        return any(passes(part, text, memo) for part in argument)
    if op == "Pred" and isinstance(argument, list) and len(argument) == 2:
        kind, words = argument
        if kind == "Idents" and isinstance(words, list):
            return all(_contains(str(word), text, memo) for word in words)
    # a regex passes: Python's engine is not PCRE (other flags, no match limit: one of the
    # pack's regexes ran for minutes on axolotl), and a wrong "no" would drop a rule
    return True


def _contains(word: str, text: bytes, memo: dict[str, bool]) -> bool:
    found = memo.get(word)
    if found is None:
        found = memo[word] = word.encode("utf-8") in text
    return found
