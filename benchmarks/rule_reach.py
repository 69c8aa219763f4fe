"""How much of a tree a word prefilter derived from the rules would keep from semgrep.

For every Python rule of the bundled pack it prints how many Python files of the tree contain
the words the rule cannot match without (:mod:`mlsec_policy.engines.semgrep.prefilter`, located:
names in the file's code, regex words after its leading comments), the
rules that need no particular word (they run on every file), the rule-file pairs left and the
files that no rule could match (which semgrep would not need to parse at all).

    python benchmarks/rule_reach.py TREE [--repository-level]
    python benchmarks/rule_reach.py TREE --semgrep [--repository-level] [--drop RULE ...]

``--repository-level`` keeps only the rules of the controls a ``--diff-base`` scan still
evaluates over the whole tree (:func:`mlsec_policy.diffscope.is_per_file` is false): the files
they keep are the ones such a scan must give semgrep whatever changed.

With ``--semgrep`` it evaluates semgrep's own prefilter formulas instead, as the engine's
rule subsets do (:mod:`mlsec_policy.engines.semgrep.subsets`, reading every target whatever
the engine's budgets say): for each rule of the pack (or
of the repository-level controls, which a ``--diff-base`` scan runs over every file) the
files semgrep would run it on, and the files no rule reaches, which the engine leaves out.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.diffscope import is_per_file
from mlsec_policy.discover import discover
from mlsec_policy.engines.semgrep import subsets
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.prefilter import formula, may_match
from mlsec_policy.engines.semgrep.target import Target
from mlsec_policy.engines.semgrep.wordformula import TRUE
from mlsec_policy.models import ArtifactKind
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import Policy, SemgrepCheck, load_policy


def main() -> int:
    """Print the reach of every Python rule over the tree's Python files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--semgrep", action="store_true", help="semgrep's own formulas")
    parser.add_argument(
        "--repository-level",
        action="store_true",
        help="only the rules of controls a --diff-base scan evaluates over the whole tree",
    )
    parser.add_argument("--drop", nargs="*", default=[], help="rule ids to leave out")
    args = parser.parse_args()
    policy = load_policy(("builtin",), ANALYZERS)
    if args.semgrep:
        return _semgrep_reach(args.tree, policy, args.repository_level, set(args.drop))
    whole = {c.id for c in policy.controls if not is_per_file(c, ANALYZERS)}
    rules = {
        c.id: formula(c.rule)
        for c in policy.checks(SemgrepCheck)
        if c.rule.get("languages") == ["python"]
        and (not args.repository_level or c.control_id in whole)
    }
    texts = [
        (args.tree / a.path).read_bytes()
        for a in discover(args.tree).artifacts
        if a.kind is ArtifactKind.PYTHON
    ]
    reach = dict.fromkeys(rules, 0)
    alone = 0
    for text in texts:  # file by file: a file's code is lexed once for all rules
        kept = [rule for rule, need in rules.items() if may_match(need, text)]
        for rule in kept:
            reach[rule] += 1
        alone += not kept
    wordless = sorted(rule for rule, need in rules.items() if need == TRUE)
    print(f"{len(texts)} Python files, {len(rules)} Python rules")
    print(f"rules that need no particular word ({len(wordless)}): {', '.join(wordless)}")
    print(f"rule-file pairs kept: {sum(reach.values())} of {len(texts) * len(rules)}")
    print(f"files no rule could match (semgrep need not parse them): {alone}")
    print(f"files some rule could match: {len(texts) - alone}")
    for rule, count in sorted(reach.items(), key=lambda item: (-item[1], item[0])):
        if rules[rule] != TRUE:
            print(f"{count:>6}  {rule}")
    return 0


def _semgrep_reach(tree: Path, policy: Policy, repository_level: bool, drop: set[str]) -> int:
    """Print what the engine's subsets give semgrep when every file of TREE is a target."""
    whole = {c.id for c in policy.controls if not is_per_file(c, ANALYZERS)}
    checks = [
        c
        for c in policy.checks(SemgrepCheck)
        if c.id not in drop and (not repository_level or c.control_id in whole)
    ]
    kinds = {kind for check in checks for kind in check.kinds}
    targets = [
        Target(a, a.path, None)
        for a in discover(tree).artifacts
        if a.kind in kinds and a.kind is not ArtifactKind.NOTEBOOK
    ]
    sizes = [t.artifact.size for t in targets]
    with tempfile.TemporaryDirectory() as scratch:
        rules = Path(scratch) / "rules.json"
        write_rules(rules, checks, policy.severities())
        # read every target, whatever the engine's budgets would decide for a tree this size
        subsets.SUBSET_BUDGET = subsets.PRUNING_BUDGET = 2**62
        started = time.process_time()
        chosen = subsets.select(
            targets, sizes, checks, policy.severities(), rules, tree, Path(scratch),
            SemgrepSettings(), None,
        )  # fmt: skip
        spent = time.process_time() - started
    if chosen is None:
        print("no subsets (semgrep-core gave no formulas, or they are turned off)")
        return 1
    given = [t for t in targets if chosen.needed(t)]
    print(f"{len(checks)} rules, {len(targets)} targets (notebooks not counted)")
    print(f"given to semgrep: {len(given)} ({sum(t.artifact.size for t in given):,} bytes)")
    print(f"selection: {spent:.2f} CPU-s of this process (semgrep-core's call not counted)")
    for check in checks:
        count = sum(check.id in chosen.wants[t.scanned] for t in targets)
        print(f"{count:>6}  {check.id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
