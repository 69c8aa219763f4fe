"""A small semgrep run split by rules: several processes, the same targets, one merged result.

A warm re-scan hands semgrep a few changed files, often one; cut by files (:mod:`.schedule`)
that is one process, and with ``--jobs 2`` the second core idles while it matches. Here the
run's rules are dealt into parts of about equal estimated cost (:func:`rule_cost`), one
process per part, all over the same targets; each process parses the targets itself (a few
per cent of the work: 0.3 of 4.4 CPU-s on transformers' largest test file) and starts semgrep
once more (about 0.4 CPU-s). The parts' JSON is merged into what one process gives
(:func:`merge`), so everything after it — hits, errors, cache entries — is unchanged:

- semgrep orders a run's results by (path, start offset, end offset, rule id) whatever the
  order of its rules file, and each rule runs in exactly one part, so the parts' sorted
  results merge into that order;
- errors: a syntax error is reported by every part whose rules parse the file, identically,
  and is kept once; a rule's time-out or memory stop is reported by the part that ran it; the
  merged errors are sorted as semgrep sorts them (path, rule id, then what it says), which a
  part's own order must agree with;
- when a part's results or errors are not in that order (another semgrep version), the run is
  made again as one process: the split never changes what a scan reports.

``MLSEC_POLICY_SEMGREP_RULE_SPLIT=0`` turns it off (for comparisons).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.process import RunResult, run_rules
from mlsec_policy.engines.semgrep.schedule import cost
from mlsec_policy.engines.semgrep.subsets import Selection
from mlsec_policy.models import JsonValue, Severity
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import SemgrepCheck

SMALL_RUN_COST = 1 * 2**20
"""Estimated cost (Python bytes, :func:`.schedule.cost`) up to which a run is split by rules
when a cut by files would leave a core idle or one process with most of the work. Above it the
targets are many, a cut by files balances well, and each extra process parses every target
again (benchmarks/README.md, session 26)."""

TAINT_COST = 50
"""What a taint rule costs beyond its patterns, in patterns' worth: semgrep runs its data-flow
analysis over every function of the file. Measured with ``semgrep --time`` on transformers'
``tests/test_modeling_common.py`` (benchmarks/README.md, session 26): a search rule takes
about 0.03 s per pattern, the two taint rules that ran 3.4 s (39 patterns) and 2.6 s (14)."""


def enabled() -> bool:
    """Return False when the environment turns the split off (for comparisons)."""
    return os.environ.get("MLSEC_POLICY_SEMGREP_RULE_SPLIT", "1") != "0"


def rule_cost(rule: Mapping[str, JsonValue]) -> int:
    """Return a rule's estimated matching cost from its own text (no target is read).

    Every pattern string costs one (semgrep matches each against the file's tree); a taint
    rule costs :data:`TAINT_COST` more. Counting rules instead would put the two taint rules
    of the run above, a third of its matching time, at the same price as a one-pattern rule.
    """
    patterns = _patterns(rule)
    return max(1, patterns) + (TAINT_COST if rule.get("mode") == "taint" else 0)


def _patterns(node: object) -> int:
    if isinstance(node, Mapping):
        own = sum(1 for k, v in node.items() if k.startswith("pattern") and isinstance(v, str))
        return own + sum(_patterns(value) for value in node.values())
    if isinstance(node, list):
        return sum(_patterns(item) for item in node)
    return 0


def worth_splitting(scanned: Sequence[str], sizes: Sequence[int], jobs: int) -> bool:
    """Return True when a run over these targets should be split by rules, not by files.

    That is when it is small and a cut by files cannot give each of ``jobs`` processes a fair
    share: fewer targets than processes, or one target holding more than its share.
    """
    if jobs < 2 or not scanned or not enabled():
        return False
    costs = [cost(path, size) for path, size in zip(scanned, sizes, strict=True)]
    total = sum(costs)
    return total <= SMALL_RUN_COST and (len(costs) < jobs or max(costs) * jobs > total * 5 // 4)


def divide(checks: Sequence[SemgrepCheck], parts: int) -> list[list[SemgrepCheck]]:
    """Deal the checks into at most ``parts`` non-empty parts of about equal estimated cost.

    Costliest first to the cheapest part; each part keeps the checks' order.
    """
    count = max(1, min(parts, len(checks)))
    members: list[list[int]] = [[] for _ in range(count)]
    spent = [0] * count
    costs = [rule_cost(check.rule) for check in checks]
    for number in sorted(range(len(checks)), key=lambda n: (-costs[n], n)):
        part = min(range(count), key=lambda p: (spent[p], p))
        members[part].append(number)
        spent[part] += costs[number]
    return [[checks[n] for n in sorted(part)] for part in members if part]


def part_files(
    checks: Sequence[SemgrepCheck],
    chosen: Selection | None,
    batch: Sequence[str],
    parts: int,
    scratch: Path,
    severities: Mapping[str, Severity],
) -> list[Path]:
    """Write the rules files of the parts of a run over ``batch`` and return their paths.

    The run's rules are those some target of the batch wants (``chosen``, the run's
    :class:`.subsets.Selection`; None: every check). When its wants are the gates, each part's
    rules stay off the batch's files whose gate they fail, as in the run's own rules file.
    """
    wants = None if chosen is None else chosen.wants
    union = None if wants is None else set().union(*(wants.get(t, ()) for t in batch))
    kept = [check for check in checks if union is None or check.id in union]
    files = []
    for part in divide(kept, parts):
        ids = [check.id for check in part]
        skip = {} if chosen is None else chosen.exclusions(batch, ids)
        key = "\n".join([*ids, json.dumps(skip, sort_keys=True)])
        path = scratch / f"semgrep-part-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
        if not path.is_file():
            write_rules(path, part, severities, skip)
        files.append(path)
    return files


def run_divided(
    binary: Path,
    rules_files: Sequence[Path],
    whole: Path,
    targets: Sequence[str],
    cwd: Path,
    scratch: Path,
    settings: SemgrepSettings,
) -> RunResult:
    """Run each rules file over ``targets`` in its own one-core process; return one result.

    A part that fails fails the run, as one process would have (its result is returned); when
    the parts cannot be merged exactly, ``whole`` (all their rules) runs as one process.
    """
    one_core = replace(settings, jobs=1)
    with ThreadPoolExecutor(len(rules_files), thread_name_prefix="semgrep-part") as pool:
        started = [
            pool.submit(run_rules, binary, rules, targets, cwd, scratch, one_core)
            for rules in rules_files
        ]
        done = [future.result() for future in started]
    failed = [result for result in done if result.output is None]
    if failed:
        return failed[0]
    merged = merge([result.output for result in done if result.output is not None])
    if merged is None:
        return run_rules(binary, whole, targets, cwd, scratch, settings)
    return RunResult(
        max(result.returncode for result in done),
        merged,
        "".join(result.stderr for result in done),
        sum(result.cpu_seconds for result in done),
    )


def merge(outputs: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the output one semgrep process with all the parts' rules gives, or None.

    None when a part's results or errors are not in semgrep's order (see the module's
    docstring), or the parts name different semgrep versions, so that the merge cannot be
    trusted.
    The other keys are what one process reports over the same targets: the files scanned
    (``paths.scanned``, ``paths.skipped``), the rules skipped and the languages analysed
    across files are the union of the parts'; any other key is kept when every part says the
    same and left out otherwise (``time``: one process's own measurements), never taken
    from one part as if it spoke for all.
    """
    versions = {json.dumps(output["version"]) for output in outputs if "version" in output}
    if len(versions) > 1:
        return None
    results: list[Any] = []
    errors: list[Any] = []
    for output in outputs:
        own_results = list(output.get("results", []))
        own_errors = list(output.get("errors", []))
        if own_results != sorted(own_results, key=_result_order):
            return None
        if own_errors != sorted(own_errors, key=_error_order):
            return None
        results.extend(own_results)
        errors.extend(own_errors)
    merged: dict[str, Any] = {}
    for key in sorted({key for output in outputs for key in output}, key=_first_place(outputs)):
        said = [output[key] for output in outputs if key in output]
        if key == "version":
            merged[key] = said[0]
        elif key in UNION_KEYS:
            merged[key] = _union(said)
        elif key == "paths" and all(isinstance(paths, dict) for paths in said):
            merged[key] = _union_paths(said)
        elif len(said) == len(outputs) and all(value == said[0] for value in said):
            merged[key] = said[0]
    merged["results"] = sorted(results, key=_result_order)
    merged["errors"] = sorted(_unique(errors), key=_error_order)
    return merged


UNION_KEYS = frozenset({"skipped_rules", "interfile_languages_used"})
"""Top-level lists of semgrep's output whose whole-run value is the union of the parts'."""


def _first_place(outputs: Sequence[dict[str, Any]]) -> Any:
    """Return a sort key putting keys in the order the parts first name them."""
    place: dict[str, int] = {}
    for output in outputs:
        for key in output:
            place.setdefault(key, len(place))
    return place.__getitem__


def _unique(items: Sequence[Any]) -> list[Any]:
    """Return the items without repeats (equal JSON), first occurrence kept."""
    seen: set[str] = set()
    unique = []
    for item in items:
        said = json.dumps(item, sort_keys=True)
        if said not in seen:
            seen.add(said)
            unique.append(item)
    return unique


def _union(lists: Sequence[Any]) -> list[Any]:
    """Return the union of JSON lists, sorted by each item's JSON text.

    A sorted union does not depend on how the rules were dealt into parts (semgrep sorts
    ``paths.scanned`` too).
    """
    items = [item for value in lists if isinstance(value, list) for item in value]
    return sorted(_unique(items), key=lambda item: json.dumps(item, sort_keys=True))


def _union_paths(said: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Return ``paths`` of one process: each of its lists the union of the parts' lists.

    A file is scanned when some rule ran on it; each part's rules are a share of the run's,
    and a rule's ``paths: exclude`` can keep a part off a file the other parts read.
    """
    keys = sorted({key for paths in said for key in paths}, key=_first_place(said))
    return {key: _union([paths.get(key, []) for paths in said]) for key in keys}


def _result_order(result: Any) -> tuple[str, int, int, str]:
    start, end = result.get("start", {}), result.get("end", {})
    return (
        str(result.get("path", "")),
        int(start.get("offset", 0)),
        int(end.get("offset", 0)),
        str(result.get("check_id", "")),
    )


def _error_order(error: Any) -> tuple[str, str, str, str]:
    return (
        str(error.get("path") or ""),
        str(error.get("rule_id") or ""),
        json.dumps(error.get("type"), sort_keys=True),
        str(error.get("message", "")),
    )
