"""``mlsec-policy risks``: the coverage matrix of risk codes, phases and controls."""

from __future__ import annotations

import json

import click

from mlsec_policy.cli.controls_cmd import FORMAT, load, policy_option
from mlsec_policy.errors import ExitCode
from mlsec_policy.models import JsonValue
from mlsec_policy.policy.catalogue import PhaseCoverage, phase_coverage


@click.command("risks")
@click.option("--format", "output", type=FORMAT, default="text", show_default=True)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when a risk code or a phase has no control (for pack authors' CI).",
)
@policy_option
def risks_command(output: str, strict: bool, policies: tuple[str, ...]) -> int:
    """Print each lifecycle phase, its risk codes and the controls that cover them.

    Uncovered risk codes and phases without controls are flagged.
    """
    coverage = phase_coverage(load(policies))
    gaps = sum(1 for p in coverage for r in p.risks if not r.covered)
    gaps += sum(1 for p in coverage if not p.controls)
    if output == "json":
        click.echo(json.dumps(_json(coverage), indent=2))
    else:
        click.echo(_text(coverage), nl=False)
    return int(ExitCode.FAILED if strict and gaps else ExitCode.OK)


def _text(coverage: tuple[PhaseCoverage, ...]) -> str:
    lines: list[str] = []
    risks = covered = 0
    for phase in coverage:
        count = len(phase.controls)
        flag = "" if count else "  << NO CONTROLS"
        noun = "control" if count == 1 else "controls"
        lines.append(f"{phase.phase.id} — {phase.phase.title} ({count} {noun}){flag}")
        for risk in phase.risks:
            risks += 1
            covered += risk.covered
            controls = ", ".join(risk.controls) if risk.covered else "<< UNCOVERED"
            lines.append(f"  {risk.risk.id:<13} {risk.risk.title:<44} {controls}")
        lines.append("")
    lines.append(f"{covered}/{risks} risk codes covered")
    return "\n".join(lines) + "\n"


def _json(coverage: tuple[PhaseCoverage, ...]) -> dict[str, JsonValue]:
    phases: list[JsonValue] = [
        {
            "id": phase.phase.id,
            "title": phase.phase.title,
            "layer": phase.phase.layer,
            "controls": list(phase.controls),
            "risks": [
                {"id": r.risk.id, "title": r.risk.title, "controls": list(r.controls)}
                for r in phase.risks
            ],
        }
        for phase in coverage
    ]
    uncovered: list[JsonValue] = [r.risk.id for p in coverage for r in p.risks if not r.covered]
    return {"phases": phases, "uncovered": uncovered}
