"""How much of a tree a word prefilter derived from the rules would keep from semgrep.

For every Python rule of the bundled pack it prints how many Python files of the tree contain
the words the rule cannot match without (:mod:`mlsec_policy.engines.semgrep.prefilter`), the
rules that need no particular word (they run on every file), the rule-file pairs left and the
files that no rule could match (which semgrep would not need to parse at all).

    python benchmarks/rule_reach.py TREE [--repository-level]

``--repository-level`` keeps only the rules of the controls a ``--diff-base`` scan still
evaluates over the whole tree (:func:`mlsec_policy.diffscope.is_per_file` is false): the files
they keep are the ones such a scan must give semgrep whatever changed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.diffscope import is_per_file
from mlsec_policy.discover import discover
from mlsec_policy.engines.semgrep.prefilter import clauses, may_match
from mlsec_policy.models import ArtifactKind
from mlsec_policy.policy import SemgrepCheck, load_policy


def main() -> int:
    """Print the reach of every Python rule over the tree's Python files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument(
        "--repository-level",
        action="store_true",
        help="only the rules of controls a --diff-base scan evaluates over the whole tree",
    )
    args = parser.parse_args()
    policy = load_policy(("builtin",), ANALYZERS)
    whole = {c.id for c in policy.controls if not is_per_file(c, ANALYZERS)}
    rules = {
        c.id: clauses(c.rule)
        for c in policy.checks(SemgrepCheck)
        if c.rule.get("languages") == ["python"]
        and (not args.repository_level or c.control_id in whole)
    }
    texts = [
        (args.tree / a.path).read_bytes()
        for a in discover(args.tree).artifacts
        if a.kind is ArtifactKind.PYTHON
    ]
    reach = {rule: sum(may_match(need, t) for t in texts) for rule, need in rules.items()}
    alone = sum(not any(may_match(need, t) for need in rules.values()) for t in texts)
    wordless = sorted(rule for rule, need in rules.items() if not need)
    print(f"{len(texts)} Python files, {len(rules)} Python rules")
    print(f"rules that need no particular word ({len(wordless)}): {', '.join(wordless)}")
    print(f"rule-file pairs kept: {sum(reach.values())} of {len(texts) * len(rules)}")
    print(f"files no rule could match (semgrep need not parse them): {alone}")
    print(f"files some rule could match: {len(texts) - alone}")
    for rule, count in sorted(reach.items(), key=lambda item: (-item[1], item[0])):
        if rules[rule]:
            print(f"{count:>6}  {rule}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
