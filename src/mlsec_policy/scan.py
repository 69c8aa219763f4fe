"""The orchestrator: the one module that knows the stages of a scan and their order.

discover → load policy → run engines → findings → evaluate → Report. Rendering and exit codes
belong to the caller.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mlsec_policy import __version__
from mlsec_policy.analyzers import ANALYZERS, params_schemas
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import EngineOutput, Workspace
from mlsec_policy.engines.native import NativeEngine
from mlsec_policy.engines.semgrep import SemgrepEngine
from mlsec_policy.evaluate import evaluate, missing_evidence_hits
from mlsec_policy.findings import build_findings
from mlsec_policy.models import (
    CheckMode,
    ErrorLevel,
    Inventory,
    Report,
    ScanError,
    ScanSettings,
    ToolInfo,
)
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import Policy, load_policy
from mlsec_policy.timeinfo import iso, scan_time, today

TOOL_URI = "https://github.com/mlsec-policy/mlsec-policy"


def load(options: ScanOptions) -> Policy:
    """Load and validate the policy packs the options name (raises PolicyErrors)."""
    policy = load_policy(
        options.policies,
        params_schemas(),
        disable=options.disable,
        severity_overrides=options.severity_overrides,
    )
    if options.only_controls:
        wanted = set(options.only_controls)
        policy = replace(policy, controls=tuple(c for c in policy.controls if c.id in wanted))
    return policy


def scan(options: ScanOptions, policy: Policy | None = None) -> Report:
    """Run a complete scan and return its report."""
    moment = scan_time(options.source_date_epoch)
    clock = time.monotonic()
    progress = options.progress or (lambda _message: None)
    progress("loading policy")
    policy = policy or load(options)
    progress("inventorying files")
    inventory = discover(options.target, options.excludes)
    progress(f"running checks on {len(inventory.artifacts)} files")
    semgrep = SemgrepEngine(options.semgrep, {c.id: c.meta.severity for c in policy.controls})
    native = NativeEngine(ANALYZERS, options.hash_cache)
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-") as scratch:
        workspace = Workspace(Path(inventory.root), Path(scratch))
        outputs = [
            semgrep.run(policy.checks("semgrep"), inventory, workspace),
            native.run(policy.checks("native"), inventory, workspace),
        ]
    progress("evaluating controls")
    hits = [hit for output in outputs for hit in output.hits]
    errors = _all_errors(outputs, inventory, policy)
    modes = {c.id: c.mode for control in policy.controls for c in control.checks}
    violations = [h for h in hits if modes[h.check_id] is CheckMode.VIOLATION]
    others = [h for h in hits if modes[h.check_id] is not CheckMode.VIOLATION]
    missing = missing_evidence_hits(policy, inventory, others, errors)
    findings = build_findings(
        [*violations, *missing], policy, Path(inventory.root), inventory.artifacts
    )
    results = evaluate(
        policy, inventory, findings, others, errors, options.attestations, today(moment)
    )
    pinned = options.source_date_epoch is not None
    return Report(
        tool=ToolInfo("mlsec-policy", __version__, semgrep.version, TOOL_URI),
        policy=policy.info(),
        taxonomy=policy.taxonomy,
        target=options.display_target or str(options.target),
        git=inventory.git,
        settings=ScanSettings(
            fail_on=options.fail_on,
            excludes=options.excludes,
            policies=options.policies,
            fail_on_attestation=options.fail_on_attestation,
        ),
        started_at=iso(moment),
        duration_seconds=0.0 if pinned else round(time.monotonic() - clock, 3),
        results=results,
        errors=tuple(sorted(errors, key=_error_order)),
        inventory_counts=inventory.kind_counts(),
        skipped=inventory.skipped,
    )


def _all_errors(
    outputs: Sequence[EngineOutput], inventory: Inventory, policy: Policy
) -> list[ScanError]:
    errors = [error for output in outputs for error in output.errors]
    errors.extend(blocked_file_errors(inventory, policy))
    return list(dict.fromkeys(errors))


def blocked_file_errors(inventory: Inventory, policy: Policy) -> list[ScanError]:
    """Turn files the checks needed but could not read (too large, unreadable) into errors."""
    errors: list[ScanError] = []
    for skipped in inventory.skipped:
        if not skipped.blocks_checks or skipped.kind is None:
            continue
        affected = sorted(
            {
                check.control_id
                for control in policy.controls
                for check in control.checks
                if skipped.kind in check.kinds
            }
        )
        if not affected:
            continue
        errors.append(
            ScanError(
                "inventory",
                "unreadable" if "cannot" in skipped.reason else "oversized",
                f"{skipped.path} was not checked: {skipped.reason}",
                path=skipped.path,
                control_ids=tuple(affected),
                level=ErrorLevel.ERROR,
                hint=f"exclude it with --exclude {skipped.path} if it needs no checking",
            )
        )
    return errors


def _error_order(error: ScanError) -> tuple[str, int, str, str, str]:
    return (error.path or "", error.line or 0, error.engine, error.kind, error.message)
