"""Everything ``mlsec-policy policy test`` needs, kept apart from the detection code.

A pack's controls keep fixture cases beside them; :mod:`.cases` scans each case and compares
the outcome exactly with its oracle (:mod:`.oracles`, which names the check behind each
finding; :mod:`.convert` upgrades cases of the first form), :mod:`.coverage` says what the
fixtures leave unproven, :mod:`.mutate` removes one condition of a check at a time
(:mod:`.mutations`) to see whether a case notices, :mod:`.semgrep` runs semgrep's own test
mode over the annotated fixture files, :mod:`.budget` times every rule on the generated file
of :mod:`.stress`, and :mod:`.generators` writes the binary fixtures (built by :mod:`.forge`)
that are never committed. :mod:`.corpus` holds the model-file cases the tests and benchmarks
share. The scanner itself never imports this package.
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
    load_cases,
    pack_controls,
    run_pack,
)
from mlsec_policy.policytest.convert import Conversion, write_oracles
from mlsec_policy.policytest.coverage import check_gaps, coverage_gaps, legacy_cases
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
    "Conversion",
    "RuleTime",
    "SelfTestProblem",
    "SelfTestResult",
    "budget_lines",
    "check_gaps",
    "coverage_gaps",
    "legacy_cases",
    "load_cases",
    "measure_budget",
    "pack_controls",
    "run_pack",
    "run_selftest",
    "write_oracles",
]
