"""Adapters that run each model scanner on one file and say what it concluded.

Used by the differential test and ``benchmarks/model_differential.py``. The peer tools are
test-only dependencies; none of them unpickles during a scan (picklescan and ModelScan walk
opcodes, fickling symbolically interprets them).
"""

from __future__ import annotations

import contextlib
import io
import logging
import zipfile
from enum import StrEnum
from pathlib import Path

from mlsec_policy.analyzers.model_artifacts.context import Limits
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue
from mlsec_policy.analyzers.model_artifacts.scan import scan_path
from mlsec_policy.models import Severity


class Verdict(StrEnum):
    FLAGGED = "flagged"
    WARNED = "warned"
    CLEAN = "clean"
    ERROR = "error"
    SKIPPED = "skipped"


BLOCKING = frozenset({Concern.CODE, Concern.KERAS, Concern.TEMPLATE, Concern.ONNX})


def our_issues(path: Path) -> tuple[Issue, ...]:
    return scan_path(path, path.name, path.parent, Limits())


def ours(path: Path) -> Verdict:
    issues = our_issues(path)
    if any(i.severity >= Severity.HIGH for i in issues):
        return Verdict.FLAGGED
    return Verdict.WARNED if issues else Verdict.CLEAN


def picklescan(path: Path) -> Verdict:
    from picklescan.scanner import scan_file_path

    logging.getLogger("picklescan").setLevel(logging.CRITICAL)
    try:
        result = scan_file_path(str(path))
    except Exception:  # the tool's own crash is a verdict here
        return Verdict.ERROR
    if result.issues_count:
        return Verdict.FLAGGED
    if result.scan_err:
        return Verdict.ERROR
    return Verdict.WARNED if result.suspicious_count else Verdict.CLEAN


def modelscan(path: Path) -> Verdict:
    from modelscan.modelscan import ModelScan

    logging.getLogger("modelscan").setLevel(logging.CRITICAL)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            result = ModelScan().scan(str(path))
    except Exception:
        return Verdict.ERROR
    if result.get("issues"):
        return Verdict.FLAGGED
    if result.get("errors"):
        return Verdict.ERROR
    summary = result.get("summary", {})
    scanned = summary.get("scanned", {}).get("total_scanned", 0)
    return Verdict.CLEAN if scanned else Verdict.SKIPPED


def fickling(path: Path) -> Verdict:
    import fickling as tool
    from fickling.analysis import Severity as FSeverity

    try:
        if zipfile.is_zipfile(path):
            results = list(tool.scan_zip_archive(str(path), graceful=True).values())
        else:
            results = [tool.scan_file(str(path), graceful=True)]
    except Exception:
        return Verdict.ERROR
    if not results:
        return Verdict.SKIPPED
    worst = max(r.severity for r in results)
    if worst >= FSeverity.LIKELY_UNSAFE:
        return Verdict.FLAGGED
    if any(r.errors for r in results):
        return Verdict.ERROR
    return Verdict.WARNED if worst > FSeverity.LIKELY_SAFE else Verdict.CLEAN


TOOLS = {
    "mlsec-policy": ours,
    "picklescan": picklescan,
    "modelscan": modelscan,
    "fickling": fickling,
}
