"""Everything ``mlsec-policy policy test`` needs, kept apart from the detection code.

A pack's controls keep fixture cases beside them; :mod:`.cases` scans each case and compares
the outcome exactly, :mod:`.semgrep` runs semgrep's own test mode over the annotated fixture
files, :mod:`.budget` times every rule on the generated file of :mod:`.stress`, and
:mod:`.generators` writes the binary fixtures (built by :mod:`.forge`) that are never
committed. :mod:`.corpus` holds the model-file cases the tests and benchmarks share. The
scanner itself never imports this package.
"""

from mlsec_policy.policytest.budget import (
    RATIO,
    RULE_TIMEOUT,
    BudgetResult,
    RuleTime,
    budget_lines,
    measure_budget,
)
from mlsec_policy.policytest.cases import (
    FAILING,
    PASSING,
    PINNED_EPOCH,
    Case,
    CaseOutcome,
    coverage_gaps,
    load_cases,
    pack_controls,
    run_pack,
)
from mlsec_policy.policytest.semgrep import SelfTestProblem, SelfTestResult, run_selftest

__all__ = [
    "FAILING",
    "PASSING",
    "PINNED_EPOCH",
    "RATIO",
    "RULE_TIMEOUT",
    "BudgetResult",
    "Case",
    "CaseOutcome",
    "RuleTime",
    "SelfTestProblem",
    "SelfTestResult",
    "budget_lines",
    "coverage_gaps",
    "load_cases",
    "measure_budget",
    "pack_controls",
    "run_pack",
    "run_selftest",
]
