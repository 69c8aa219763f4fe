"""Run the data-side controls over unpacked real packages and report findings and timings.

Usage: python benchmarks/corpus_data.py DIR [DIR...]   (each DIR is scanned as one target)

Prints, per target, the wall time of the scan restricted to the notebook, dependency, data,
integrity and secret controls, the number of files per kind, and every finding (path:line,
control, message) so that false positives can be read and fixed. Not a test: no assertions.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import load, scan

CONTROLS = (
    "MLSEC-NB-01", "MLSEC-NB-02", "MLSEC-NB-03", "MLSEC-DEP-01", "MLSEC-DEP-02",
    "MLSEC-DEP-03", "MLSEC-PII-01", "MLSEC-INTEG-01", "MLSEC-INTEG-02", "MLSEC-SECRET-01",
    "MLSEC-SECRET-02",
)  # fmt: skip


def main(targets: list[str]) -> None:
    for target in targets:
        options = ScanOptions(target=Path(target), only_controls=CONTROLS)
        policy = load(options)
        start = time.perf_counter()
        report = scan(options, policy)
        elapsed = time.perf_counter() - start
        counts = Counter(f.control_id for r in report.results for f in r.active_findings)
        print(f"## {target}: {elapsed:.2f} s, files {sum(report.inventory_counts.values())}")
        print(f"   kinds {report.inventory_counts}")
        print(f"   findings {dict(sorted(counts.items()))}, errors {len(report.errors)}")
        for result in report.results:
            for finding in result.active_findings:
                where = finding.location.display()
                print(f"   {result.control.id} {where} {finding.message[:140]}")
        for error in report.errors:
            print(f"   ERROR {error.path}: {error.message[:140]}")


if __name__ == "__main__":
    main(sys.argv[1:])
