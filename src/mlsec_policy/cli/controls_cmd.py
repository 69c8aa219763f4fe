"""``mlsec-policy controls list`` and ``controls show``: explain the catalogue.

``list`` prints one line per control (filterable by phase, risk code and severity); ``show``
prints everything about one control — metadata, rationale, remediation, its checks and its
fixture cases. Both read the same packs a scan would (``--policy``, default: the bundled pack)
and can print JSON for other tools.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, assert_never

import click

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.errors import ExitCode, UsageError
from mlsec_policy.models import JsonValue, Severity
from mlsec_policy.policy import (
    BUILTIN,
    AttestationCheck,
    Check,
    Control,
    NativeCheck,
    Policy,
    SemgrepCheck,
    load_policy,
)
from mlsec_policy.policy.catalogue import closest_ids, select_controls
from mlsec_policy.policytest import load_cases

FORMAT = click.Choice(["text", "json"])


def policy_option(command: Any) -> Any:
    """Add the ``--policy`` option shared by the catalogue commands."""
    return click.option(
        "--policy",
        "policies",
        multiple=True,
        metavar="DIR",
        help="Policy pack directory, or 'builtin'. Repeatable. Default: the bundled pack.",
    )(command)


def load(policies: tuple[str, ...]) -> Policy:
    """Load the packs the user named (the bundled pack by default)."""
    return load_policy(policies or (BUILTIN,), ANALYZERS)


@click.group("controls")
def controls_group() -> None:
    """Explain the controls of the policy."""


@controls_group.command("list")
@click.option("--phase", metavar="PHASE", help="Only controls of this lifecycle phase.")
@click.option("--risk", metavar="CODE", help="Only controls mitigating this risk code.")
@click.option(
    "--severity",
    type=click.Choice([s.label for s in Severity]),
    help="Only controls of at least this severity.",
)
@click.option("--format", "output", type=FORMAT, default="text", show_default=True)
@policy_option
def list_command(
    phase: str | None,
    risk: str | None,
    severity: str | None,
    output: str,
    policies: tuple[str, ...],
) -> int:
    """List the controls, ordered by lifecycle phase."""
    policy = load(policies)
    try:
        controls = select_controls(
            policy,
            phase=phase,
            risk=risk,
            severity=Severity.parse(severity) if severity else None,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if output == "json":
        click.echo(json.dumps([summary(c) for c in controls], indent=2))
        return int(ExitCode.OK)
    width = max((len(c.id) for c in controls), default=10)
    for control in controls:
        meta = control.meta
        click.echo(f"{meta.id:<{width}}  {meta.severity.label:<8}  {meta.phase:<18}  {meta.title}")
    click.echo(f"{len(controls)} control{'s' if len(controls) != 1 else ''}")
    return int(ExitCode.OK)


@controls_group.command("show")
@click.argument("control_id", metavar="ID")
@click.option("--format", "output", type=FORMAT, default="text", show_default=True)
@policy_option
def show_command(control_id: str, output: str, policies: tuple[str, ...]) -> int:
    """Show everything about one control: what, why, how to fix, how it is checked and tested."""
    policy = load(policies)
    control = next((c for c in policy.controls if c.id.lower() == control_id.lower()), None)
    if control is None:
        if control_id.upper() in policy.disabled:
            raise UsageError(f"{control_id.upper()} is disabled by the policy packs loaded")
        close = closest_ids(policy, control_id)
        raise UsageError(
            f"no control {control_id!r} in the policy",
            hint=f"did you mean {', '.join(close)}?"
            if close
            else "`mlsec-policy controls list` shows every control",
        )
    detail = details(control, policy)
    if output == "json":
        click.echo(json.dumps(detail, indent=2))
    else:
        click.echo(render_text(detail), nl=False)
    return int(ExitCode.OK)


def summary(control: Control) -> dict[str, JsonValue]:
    """Return the one-line facts of a control as JSON data."""
    meta = control.meta
    return {
        "id": meta.id,
        "title": meta.title,
        "severity": meta.severity.label,
        "phase": meta.phase,
        "risks": list(meta.risks),
        "requirements": list(meta.requirements),
        "pack": meta.pack,
    }


def details(control: Control, policy: Policy) -> dict[str, JsonValue]:
    """Return everything about a control as JSON data."""
    meta = control.meta
    refs = meta.references
    phase = policy.taxonomy.phase(meta.phase)
    risk_titles = {risk.id: risk.title for risk in policy.taxonomy.risks}
    applies = control.applicable_kinds()
    return {
        **summary(control),
        "phase_title": phase.title,
        "risk_titles": {risk: risk_titles.get(risk, "") for risk in meta.risks},
        "references": {
            "owasp-ml": list(refs.owasp_ml),
            "owasp-llm": list(refs.owasp_llm),
            "atlas": list(refs.atlas),
            "cwe": list(refs.cwe),
            "other": list(refs.other),
        },
        "rationale": meta.rationale,
        "remediation": meta.remediation,
        "fix": meta.fix,
        "help_uri": meta.help_uri,
        "source": meta.source,
        "applies_to": [kind.value for kind in applies] if applies else "repository",
        "checks": [_check(check) for check in control.checks],
        "fixtures": [
            _case(case.name, case.status.value, sorted(case.findings, key=_finding_order))
            for case in load_cases(control)
        ],
    }


def _finding_order(finding: str) -> tuple[str, int]:
    path, _, line = finding.rpartition(":")
    return (path, int(line)) if line.isdigit() else (finding, 0)


def _case(name: str, status: str, findings: list[str]) -> dict[str, JsonValue]:
    listed: list[JsonValue] = list(findings)
    return {"case": name, "status": status, "findings": listed}


def _check(check: Check) -> dict[str, JsonValue]:
    data: dict[str, JsonValue] = {
        "id": check.id,
        "engine": check.engine,
        "mode": check.mode.value,
        "message": check.message,
    }
    if check.kinds:
        data["kinds"] = [kind.value for kind in check.kinds]
    if check.severity is not None:
        data["severity"] = check.severity.label
    if check.found:
        data["found"] = check.found
    if check.include or check.exclude:
        data["include"] = list(check.include)
        data["exclude"] = list(check.exclude)
    match check:
        case NativeCheck():
            data["analyzer"] = check.analyzer
            data["params"] = dict(check.raw_params)
        case SemgrepCheck():
            data["rule"] = dict(check.rule)
        case AttestationCheck():
            data["evidence"] = check.evidence
        case _:
            assert_never(check)
    return data


def render_text(detail: Mapping[str, Any]) -> str:
    """Render :func:`details` for a terminal."""
    refs = ", ".join(f"{name} {' '.join(ids)}" for name, ids in detail["references"].items() if ids)
    risks = "; ".join(f"{code} ({title})" for code, title in detail["risk_titles"].items())
    applies = detail["applies_to"]
    lines = [
        f"{detail['id']}  {detail['title']}",
        "",
        f"  severity      {detail['severity']}",
        f"  phase         {detail['phase']} ({detail['phase_title']})",
        f"  risks         {risks}",
        f"  requirements  {', '.join(detail['requirements'])}",
        *([f"  references    {refs}"] if refs else []),
        *([f"  help          {detail['help_uri']}"] if detail["help_uri"] else []),
        f"  applies to    {applies if isinstance(applies, str) else ', '.join(applies)}",
        f"  defined in    {detail['source']} (pack {detail['pack']})",
        "",
        "Why",
        *_wrap(detail["rationale"]),
        "",
        "How to fix",
        *_wrap(detail["remediation"]),
        "",
        "Checks",
    ]
    for check in detail["checks"]:
        lines.append(f"  {check['id']}  [{check['engine']}, {check['mode']}]")
        lines.append(f"      {check['message']}")
        if "kinds" in check:
            lines.append(f"      looks at: {', '.join(check['kinds'])}")
        if "analyzer" in check:
            params = json.dumps(check["params"], sort_keys=True) if check["params"] else ""
            lines.append(f"      analyzer: {check['analyzer']} {params}".rstrip())
        if "rule" in check:
            lines.append(f"      semgrep rule: {json.dumps(check['rule'], sort_keys=True)}")
        if "evidence" in check:
            lines.append(f"      attestation evidence: {check['evidence']}")
    lines += ["", "Fixtures"]
    if not detail["fixtures"]:
        lines.append("  none")
    for case in detail["fixtures"]:
        found = f": {', '.join(case['findings'])}" if case["findings"] else ""
        lines.append(f"  {case['case']:<24} {case['status']}{found}")
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 92) -> list[str]:
    import textwrap

    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        lines.extend(
            textwrap.wrap(
                " ".join(paragraph.split()), width, initial_indent="  ", subsequent_indent="  "
            )
        )
    return lines
