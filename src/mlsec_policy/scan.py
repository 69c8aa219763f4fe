"""The orchestrator: the one module that knows the stages of a scan and their order.

discover → load policy → run engines (semgrep's process alongside the native analyzers) →
findings → accept (waivers, inline comments, baseline, diff) → evaluate → Report. Rendering and
exit codes belong to the caller.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path

from mlsec_policy import __version__
from mlsec_policy.advisory_use import advisory_use
from mlsec_policy.analyzers import ANALYZERS, graded_by_guards, graded_by_versions
from mlsec_policy.cache import ResultStore
from mlsec_policy.cache.digests import save_memos
from mlsec_policy.cache.linememo import LineHashMemo
from mlsec_policy.cache.memo import StoreMemo
from mlsec_policy.config import check_controls
from mlsec_policy.diffrun import run_split
from mlsec_policy.diffscope import DiffPlan, outside, plan
from mlsec_policy.discover import discover
from mlsec_policy.engines.alongside import side_by_side
from mlsec_policy.engines.base import CheckEngine, EngineOutput, Workspace
from mlsec_policy.engines.native import NativeEngine
from mlsec_policy.engines.redaction import redacted
from mlsec_policy.engines.semgrep import SemgrepEngine
from mlsec_policy.errors import UsageError
from mlsec_policy.evaluate import evaluate, partition
from mlsec_policy.findings import build_findings
from mlsec_policy.fingerprint import line_hashes
from mlsec_policy.firstmatch import stopped
from mlsec_policy.fix import propose
from mlsec_policy.gitsafe import one_scan
from mlsec_policy.models import (
    ControlResult,
    ControlStatus,
    DiffScope,
    ErrorLevel,
    Finding,
    Inventory,
    NonProduct,
    Report,
    ScanError,
    ScanSettings,
    SkippedFile,
    ToolInfo,
    WaiverUse,
)
from mlsec_policy.options import ScanOptions
from mlsec_policy.pathclass import non_product_note
from mlsec_policy.policy import NativeCheck, Policy, SemgrepCheck, configure, load_policy
from mlsec_policy.policy.known_valid import KnownValidMemo
from mlsec_policy.suppress import baseline, diff, inline, waivers
from mlsec_policy.timeinfo import iso, scan_time, today

TOOL_URI = "https://github.com/mlsec-policy/mlsec-policy"

SHOWN_AT_ONCE = frozenset({"timeout", "out-of-memory"})
"""Error kinds printed as soon as an engine returns: a rule was stopped on one file."""


def _notify(output: EngineOutput, notice: Callable[[str], None]) -> None:
    """Print at once each error of an engine where a rule was stopped on one file."""
    for error in output.errors:
        if error.kind in SHOWN_AT_ONCE:
            notice(f"warning: {error.message}")


def load(options: ScanOptions, store: ResultStore | None = None) -> Policy:
    """Load and validate the policy packs the options name, then apply the settings.

    Control files the store has seen valid (same bytes, same context) are not validated again,
    nor parsed (:mod:`.cache.memo`); nor, store or not, are the bundled pack's files as shipped
    (:mod:`.policy.known_valid`). Raises PolicyErrors for a bad pack,
    ConfigErrors (at the file's line) when the repository configuration names controls the
    packs do not define.
    """
    memo = None if store is None else StoreMemo(store)
    # the analyzers' listings: native checks keep their params unread until their analyzer
    # runs, so loading the policy imports no analyzer
    policy = load_policy(options.policies, ANALYZERS.listings(), KnownValidMemo(memo), memo)
    if options.config is not None:
        check_controls(options.config, policy)
    if options.disable or options.severity_overrides:
        policy = configure(policy, options.disable, options.severity_overrides)
    if options.only_controls:
        wanted = set(options.only_controls)
        policy = replace(policy, controls=tuple(c for c in policy.controls if c.id in wanted))
    return policy


@one_scan()  # each repository's git overrides are listed once per scan
def scan(
    options: ScanOptions, policy: Policy | None = None, inventory: Inventory | None = None
) -> Report:
    """Run a complete scan and return its report.

    ``inventory`` is the target's inventory when the caller already made it (``scan
    --bom-output`` builds the BOM from the same one); None discovers it here.
    """
    mode = scan_mode(options)
    changes = change_set(options)
    moment = scan_time(options.source_date_epoch)
    clock = time.monotonic()
    progress = options.progress or (lambda _message: None)
    notice = options.notice or (lambda _message: None)
    # the entries of one kind of scan of one target are read together (one bundle); a diff
    # scan's new entries are kept in its bundle alone (one file, not thousands)
    bundle = repr((str(options.target.resolve()), mode, options.policies, options.only_controls))
    cache = options.cache
    store = (
        None
        if cache is None
        else ResultStore(cache.directory, cache.max_bytes, bundle, bundle_only=mode == "diff")
    )
    progress("loading policy")
    policy = policy or load(options, store)
    progress(f"inventorying files ({len(policy.controls)} controls loaded)")
    inventory = inventory or discover(options.target, options.excludes)
    files = f"{len(inventory.artifacts)} files inventoried, {len(inventory.skipped)} skipped"
    launched = threading.Event()  # set once semgrep's processes run
    semgrep: CheckEngine[SemgrepCheck] = SemgrepEngine(
        options.semgrep, policy.severities(), store, launched
    )
    native: CheckEngine[NativeCheck] = NativeEngine(
        ANALYZERS, policy.known_ids(), options.hash_cache, store, inventory.artifacts, options.tick
    )
    semgrep_checks, native_checks = policy.checks(SemgrepCheck), policy.checks(NativeCheck)
    scope = plan(policy, inventory, changes, ANALYZERS) if mode == "diff" and changes else None
    if scope is not None and changes is not None:
        changes = scope.widen(changes)
        files += f"; {len(scope.inventory.artifacts)} changed or dependent"
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-") as scratch:
        workspace = Workspace(Path(inventory.root), Path(scratch))
        progress(
            f"{files}; semgrep running {len(semgrep_checks)} rules, "
            f"native analyzers {len(native_checks)} checks alongside"
        )
        # semgrep's processes first, then the native analyzers in this process meanwhile; in
        # a diff scan they wait for its word test (two threads of Python contend for one GIL)
        worded = launched if scope is None else threading.Event()
        outputs = side_by_side(
            partial(run_split, semgrep, semgrep_checks, inventory, workspace, scope, worded, True),
            partial(run_split, native, native_checks, inventory, workspace, scope),
            worded,
        )
        by_semgrep, by_native = redacted(outputs[0]), redacted(outputs[1])
        _notify(by_semgrep, notice)
        _notify(by_native, notice)
    progress(f"evaluating {len(policy.controls)} controls")
    outputs = (by_semgrep, by_native)
    errors = _all_errors(outputs, inventory, policy)
    errors = scope.unread(errors) if scope else errors
    contexts = {
        c.id: c.version_context for ctl in policy.controls for c in ctl.checks if c.version_context
    }
    graded = graded_by_versions(
        Path(inventory.root), inventory.artifacts, contexts, [h for o in outputs for h in o.hits]
    )
    checks = [c for ctl in policy.controls for c in ctl.checks if c.guard_context]
    graded = graded_by_guards(
        Path(inventory.root),
        {c.id: c.guard_context for c in checks if c.guard_context},
        {c.id: c.message for c in checks},
        graded,
    )
    hits = partition(policy, inventory, graded, errors)
    root = Path(inventory.root)
    hasher = line_hashes if store is None else LineHashMemo(store, line_hashes)
    findings = build_findings(
        hits.failing, policy, root, inventory.artifacts, options.path_classes, hasher
    )
    if store is not None:  # closed once the findings' line hashes are kept
        save_memos(store)
        store.close()
        progress(store.stats.describe())
    accepted = accept(findings, options, policy, inventory, today(moment), changes)
    results = evaluate(
        policy,
        inventory,
        accepted.findings,
        hits,
        errors,
        options.attestations,
        today(moment),
        scope.limited() if scope else None,
    )
    results = tuple(outside(r, accepted.elsewhere.get(r.control.id, 0)) for r in results)
    if scope is not None:  # where the scope and evidence searches stopped
        signals, early = hits.signals, scope.early
        results = tuple(stopped(r, signals.get(r.control.id, {}), early) for r in results)
    pinned = options.source_date_epoch is not None
    report = Report(
        tool=ToolInfo("mlsec-policy", __version__, by_semgrep.version, TOOL_URI),
        policy=policy.info(),
        taxonomy=policy.taxonomy,
        target=options.display_target or str(options.target),
        git=inventory.git,
        settings=ScanSettings(
            fail_on=options.fail_on,
            excludes=options.excludes,
            policies=options.policies,
            fail_on_attestation=options.fail_on_attestation,
            mode=mode,
            diff_base=options.diff_base,
            baseline=options.baseline.source if options.baseline else None,
            config=options.config.display if options.config else None,
            inline_suppressions=options.inline_suppressions,
            only_paths=tuple(sorted(diff.listed_files(options.only_paths).files)),
            non_product=options.non_product,
        ),
        started_at=iso(moment),
        duration_seconds=0.0 if pinned else round(time.monotonic() - clock, 3),
        results=results,
        errors=tuple(sorted(errors, key=_error_order)),
        inventory_counts=inventory.kind_counts(),
        skipped=_all_skipped(inventory, outputs),
        notes=accepted.notes,
        waivers=accepted.register,
        diff_scope=_diff_scope(scope, changes, results, outputs),
        advisory_snapshot=advisory_use(policy, results),
    )
    if options.propose_fixes:
        progress("looking for automatic fixes")
        report = propose(report, policy, Path(inventory.root), options.semgrep)
    return report


def _diff_scope(
    scope: DiffPlan | None,
    changes: diff.ChangeSet | None,
    results: Sequence[ControlResult],
    outputs: tuple[EngineOutput, EngineOutput],
) -> DiffScope | None:
    """Return what a diff-limited scan ran where, for the report."""
    if scope is None or changes is None:
        return None
    silent = (r.control.id for r in results if r.status is ControlStatus.NOT_EVALUATED)
    return DiffScope(
        changed_files=scope.changed,
        deleted_files=tuple(sorted(changes.deleted)),
        dependent_files=scope.dependents,
        examined_files=tuple(a.path for a in scope.inventory.artifacts),
        semgrep_files=outputs[0].examined,
        native_files=outputs[1].examined,
        changed_file_controls=tuple(sorted(scope.per_file)),
        not_evaluated=tuple(sorted(silent)),
    )


def scan_mode(options: ScanOptions) -> str:
    """Return the report mode: ``diff``, ``files``, ``baseline`` or ``full``.

    ``diff`` and ``files`` filter findings by a change; ``baseline`` means only a baseline
    accepted known findings. A baseline combines with either filter (``settings.baseline``
    then names it); a diff and a file list cannot be combined (UsageError).
    """
    if options.diff_base is not None and options.only_paths:
        raise UsageError(
            "choose --diff-base or a list of files, not both",
            hint="the pre-commit hook passes files; scan --diff-base compares with a revision",
        )
    if options.diff_base is not None:
        return "diff"
    if options.only_paths:
        return "files"
    return "baseline" if options.baseline is not None else "full"


def change_set(options: ScanOptions) -> diff.ChangeSet | None:
    """Return the change a diff-aware or file-limited scan reports on (before scanning)."""
    if options.diff_base is not None:
        return diff.changes_since(options.target, options.diff_base)
    if options.only_paths:
        return diff.listed_files(options.only_paths)
    return None


@dataclass(frozen=True, slots=True)
class Accepted:
    """Findings after the acceptance stage, with the waiver register and notes for the report."""

    findings: tuple[Finding, ...]
    register: tuple[WaiverUse, ...]
    notes: tuple[str, ...]
    elsewhere: Mapping[str, int] = field(default_factory=dict)
    """Active findings per control that the diff or file filter left out of the report."""


def accept(
    findings: Sequence[Finding],
    options: ScanOptions,
    policy: Policy,
    inventory: Inventory,
    day: date,
    changes: diff.ChangeSet | None = None,
) -> Accepted:
    """Apply, in order: waivers, inline comments, the baseline, then the diff or file filter.

    The filter comes last so that the waiver register and the baseline counts describe the
    whole target, whatever part of it a diff-aware scan reports.
    """
    notes: list[str] = []
    waived = waivers.apply_waivers(findings, options.waivers, day)
    notes += waivers.register_notes(waived.register)
    exempt = {
        c.id
        for c in policy.checks(NativeCheck)
        if not ANALYZERS.listing(c.analyzer).inline_suppressible
    }
    commented = inline.apply_inline(
        waived.findings,
        Path(inventory.root),
        inventory.artifacts,
        enabled=options.inline_suppressions,
        exempt_checks=exempt,
    )
    if commented.suppressed and not options.inline_suppressions:
        notes.append(
            f"inline suppressions are turned off: {commented.suppressed} finding(s) with an "
            "'mlsec-policy: ignore' comment count as usual"
        )
    kept = commented.findings
    if options.baseline is not None:
        known = baseline.apply_baseline(kept, options.baseline)
        kept = known.findings
        notes.append(
            f"baseline {options.baseline.source}: {known.baselined} known finding(s) accepted, "
            f"{known.new} new"
            + (f"; {known.fixed} recorded finding(s) no longer occur" if known.fixed else "")
        )
    elsewhere: Counter[str] = Counter()
    if changes is not None:
        elsewhere.update(
            f.control_id for f in kept if f.suppression is None and not changes.covers(f)
        )
        kept, dropped = diff.select(kept, changes)
        notes.append(f"{changes.description}; {dropped} finding(s) elsewhere are not reported")
    notes += non_product_note(kept, options.non_product)
    if options.non_product is NonProduct.HIDE:
        gating = {c.id for c in policy.controls if c.meta.gate_everywhere}
        kept = tuple(f for f in kept if f.path_class is None or f.control_id in gating)
    return Accepted(tuple(kept), waived.register, tuple(notes), dict(elsewhere))


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


def _all_skipped(inventory: Inventory, outputs: Sequence[EngineOutput]) -> tuple[SkippedFile, ...]:
    """Return the files discovery left out and the files or parts engines could not read."""
    parts = dict.fromkeys([*inventory.skipped, *(s for o in outputs for s in o.skipped)])
    return tuple(sorted(parts, key=lambda s: (s.path, s.line or 0, s.reason)))


def _error_order(error: ScanError) -> tuple[str, int, str, str, str]:
    return (error.path or "", error.line or 0, error.engine, error.kind, error.message)
