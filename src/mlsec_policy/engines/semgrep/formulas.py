"""semgrep's prefilter of each rule, fetched from semgrep-core and remembered by rule.

``semgrep-core -prefilter_of_rules RULES`` prints, for every rule of a rules file, the formula
of words and regexes semgrep tests a file against before running the rule on it
(:mod:`.subsets` reads them). A run costs a semgrep-core process; a scan whose semgrep work
comes in parts (a diff scan's changed files, whole-repository rules and search batches) wrote
one rules file per part and fetched each. The formula of a rule is derived from that rule
alone, so :class:`RuleFormulas` keeps each one by the digest of the rule as written: a part
whose every rule an earlier fetch covered needs no process (a diff scan fetches them all at
once, beside its word test: :meth:`.engine.SemgrepEngine.prepare`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from mlsec_policy.cache import ResultStore, digest
from mlsec_policy.models import JsonValue
from mlsec_policy.options import SemgrepSettings

Formula = JsonValue | None
"""A rule's prefilter as semgrep-core prints it (None: the rule runs on every file)."""


class RuleFormulas:
    """The formulas one scan fetched, by the digest of each rule as its rules file wrote it."""

    def __init__(self) -> None:
        """Start knowing no rule."""
        self._by_rule: dict[str, Formula] = {}
        self._lock = threading.Lock()

    def known(self, text: bytes) -> dict[str, Formula] | None:
        """Return the formula of every rule of the rules file ``text``, or None if one is new."""
        rules = _rules(text)
        if rules is None:
            return None
        with self._lock:
            if not all(key in self._by_rule for key in rules.values()):
                return None
            return {rule_id: self._by_rule[key] for rule_id, key in rules.items()}

    def learn(self, text: bytes, found: Mapping[str, Formula]) -> None:
        """Keep ``found``, the formulas semgrep-core gave for the rules file ``text``."""
        rules = _rules(text)
        if rules is None or set(rules) != set(found):
            return  # not one formula per rule: nothing is kept
        with self._lock:
            for rule_id, key in rules.items():
                self._by_rule[key] = found[rule_id]


def _rules(text: bytes) -> dict[str, str] | None:
    """Return each rule's id with the digest of its JSON (None: not a rules file we wrote)."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, list):
        return None
    found: dict[str, str] = {}
    for rule in rules:
        if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
            return None
        canonical = json.dumps(rule, sort_keys=True, separators=(",", ":"))
        found[rule["id"]] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return found if len(found) == len(rules) else None


def prefilters(
    rules_file: Path,
    settings: SemgrepSettings,
    store: ResultStore | None,
    memo: RuleFormulas | None = None,
) -> dict[str, Formula] | None:
    """Return semgrep's prefilter of every rule in ``rules_file`` by rule id, or None.

    None when semgrep-core is not the one beside our semgrep entry point, fails, or prints
    something else than one formula per rule (it prints nothing for a rule set it rejects).
    With a ``memo``, a rules file whose every rule it knows needs no semgrep-core at all.
    """
    core = _semgrep_core(settings)
    if core is None:
        return None
    text = rules_file.read_bytes()
    known = None if memo is None else memo.known(text)
    if known is not None:
        return known
    key = None
    if store is not None:
        info = core.stat()
        key = digest(
            "semgrep-prefilters", str(core), info.st_size, info.st_mtime_ns,
            hashlib.sha256(text).hexdigest(),
        )  # fmt: skip
        kept = store.get(key)
        if isinstance(kept, dict):
            if memo is not None:
                memo.learn(text, kept)
            return dict(kept)
    try:
        done = subprocess.run(
            [str(core), "-prefilter_of_rules", str(rules_file)],
            capture_output=True,
            timeout=settings.process_timeout,
            check=False,
        )
        entries = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    if not isinstance(entries, list):
        return None
    found: dict[str, Formula] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("rule_id"), str):
            return None
        rule_filter = entry.get("filter")
        found[entry["rule_id"]] = None if rule_filter == "None" else rule_filter
    if store is not None and key is not None and found:
        store.put(key, dict(found))
    if memo is not None and found:
        memo.learn(text, found)
    return found or None


def _semgrep_core(settings: SemgrepSettings) -> Path | None:
    """Return the semgrep-core of the semgrep package our scans run, when that is certain."""
    if settings.binary is not None or not (Path(sys.executable).parent / "semgrep").is_file():
        return None  # another installation: its core may derive other formulas
    spec = importlib.util.find_spec("semgrep")
    if spec is None or spec.origin is None:
        return None
    core = Path(spec.origin).parent / "bin" / "semgrep-core"
    return core if core.is_file() else None
