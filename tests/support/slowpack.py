"""A policy pack with one rule whose cost grows with the square of a function's length.

The slow rule is the shape MLSEC-FETCH-03 had before it was rewritten: its exclusion lists
every call of every function (``<... $CHECK(...) ...>`` after ``...``) and every later
statement after any call. The tests of the time budget and of semgrep's time limit use it as
a real regression, next to a rule of ordinary cost.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

SLOW_CHECK = "slow-download-check"
FAST_CHECK = "fast-pickle-load"

_CONTROL = """\
id: {control}
title: {title}
severity: medium
phase: data-collection
risks: [R1-Security]
requirements: [DS5]
rationale: >
  A rule used by the tests of rule cost; it is not part of any real policy.
remediation: >
  Nothing to do: this pack only exists for tests.
fix: Nothing to do.
checks:
  - id: {check}
    engine: semgrep
    kinds: [python]
    message: {message}
    rule:
{rule}
"""

SLOW_RULE = """\
languages: [python]
patterns:
  - pattern: urllib.request.urlretrieve(...)
  - pattern-not-inside:
      patterns:
        - pattern-either:
            - pattern: |
                def $FN(...):
                  ...
                  <... $CHECK(...) ...>
                  ...
            - pattern: |
                $DOWNLOAD(...)
                ...
                <... $CHECK(...) ...>
            - pattern: |
                $RESULT = $DOWNLOAD(...)
                ...
                <... $CHECK(...) ...>
        - metavariable-regex:
            metavariable: $CHECK
            regex: (?i)^(?:.*\\.)?\\w*(?:sha\\d*|md5|hash|checksum|digest|integrity)\\w*$
"""

FAST_RULE = """\
languages: [python]
pattern: pickle.loads(...)
"""


def write_slow_pack(root: Path, slow_copies: int = 1) -> Path:
    """Write a pack with ``slow_copies`` controls holding the slow rule and one fast control."""
    files = {"pack.yaml": "name: slow-pack\nversion: 1.0.0\ndescription: Rules of known cost.\n"}
    controls = [("TEST-FAST-01", FAST_CHECK, FAST_RULE, "a pickle is loaded")]
    for number in range(1, slow_copies + 1):
        suffix = "" if number == 1 else f"-{number}"
        controls.append(
            (f"TEST-SLOW-{number:02d}", SLOW_CHECK + suffix, SLOW_RULE, "a file is downloaded")
        )
    for control, check, rule, message in controls:
        files[f"controls/data-collection/{control}/control.yaml"] = _CONTROL.format(
            control=control,
            title=f"Rule cost fixture {control}",
            check=check,
            message=message,
            rule="\n".join("      " + line for line in rule.splitlines()),
        )
    return write_tree(root, files)
