"""The per-framework sections of the console and Markdown reports.

Each framework asked for with ``--framework`` gets its counts per status and, per section of
the framework, every requirement with its status, the controls behind it (with their own
status and the kind of evidence each gives) and the reason: what passes, what fails, what
needs a person and what the tool does not cover, never only the failures.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mlsec_policy.models import (
    REQUIREMENT_STATUS_ORDER,
    FrameworkResult,
    RequirementResult,
    RequirementStatus,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")

ATTENTION = frozenset(
    {
        RequirementStatus.FAIL,
        RequirementStatus.ERROR,
        RequirementStatus.NEEDS_ATTESTATION,
        RequirementStatus.NOT_EVALUATED,
    }
)
"""Statuses the console lists at normal verbosity; ``-v`` lists every requirement."""


def counts_text(result: FrameworkResult) -> str:
    """Return ``3 fail, 2 pass, 5 not-covered``: the non-zero counts in report order."""
    counts = result.counts()
    parts = [f"{counts[s.value]} {s.value}" for s in REQUIREMENT_STATUS_ORDER if counts[s.value]]
    return ", ".join(parts)


def controls_text(result: RequirementResult) -> str:
    """Return each mapped control with its status and evidence kind, or ``none``."""
    return (
        ", ".join(
            f"{c.mapping.control} {c.status} ({c.mapping.evidence.value})" for c in result.controls
        )
        or "none"
    )


def console_lines(
    results: tuple[FrameworkResult, ...], paint: Callable[..., str], verbosity: int
) -> list[str]:
    """Return the console lines of every framework section."""
    lines: list[str] = []
    for result in results:
        framework = result.framework
        lines += ["", paint(f"Framework {framework.id} — {framework.title}", "bold")]
        lines.append(f"  {len(result.requirements)} requirements: {counts_text(result)}")
        shown = [r for r in result.requirements if verbosity >= 2 or r.status in ATTENTION]
        for item in shown:
            requirement = item.requirement
            lines.append(
                f"  {item.status.value:<17} {framework.qualified(requirement.id)} "
                f"{requirement.title}"
            )
            lines.append(paint(f"      {item.reason}", "dim"))
        if len(shown) < len(result.requirements):
            lines.append(paint("  (-v lists every requirement)", "dim"))
    return lines


def anchor(control_id: str) -> str:
    """Return the Markdown summary's anchor of a control's block (``mlsec-load-01``)."""
    return control_id.lower()


def markdown_blocks(
    results: tuple[FrameworkResult, ...], anchored: frozenset[str] = frozenset()
) -> list[str]:
    """Return the Markdown blocks of every framework: a summary, then a table per section.

    A control with a block of its own in the summary (``anchored``: the failing ones, with
    their findings) is linked to it.
    """
    blocks: list[str] = []
    for result in results:
        framework = result.framework
        head = [
            f"### Framework: {_text(framework.title)}",
            "",
            f"`{framework.id}` version {_text(framework.version)}, "
            f"{_text(framework.publisher)}; {len(result.requirements)} requirements: "
            f"{counts_text(result)}.",
        ]
        if framework.notes:
            head += ["", f"> {_text(framework.notes)}"]
        blocks.append("\n".join(head) + "\n")
        titles = {s.id: s.title for s in framework.sections}
        for section, items in _by_section(result).items():
            lines = [
                f"#### {_text(section)} {_text(titles.get(section, ''))}".rstrip(),
                "",
                "| Requirement | Status | Controls (status, evidence) | Why |",
                "|---|---|---|---|",
            ]
            lines += [
                f"| `{framework.qualified(item.requirement.id)}` {_text(item.requirement.title)} "
                f"| {item.status.value} | {_linked_controls(item, anchored)} "
                f"| {_text(item.reason)} |"
                for item in items
            ]
            blocks.append("\n".join(lines) + "\n")
    return blocks


def _linked_controls(item: RequirementResult, anchored: frozenset[str]) -> str:
    parts = [
        (
            f"[{c.mapping.control}](#{anchor(c.mapping.control)})"
            if c.mapping.control in anchored
            else c.mapping.control
        )
        + f" {c.status} ({c.mapping.evidence.value})"
        for c in item.controls
    ]
    return ", ".join(parts) or "none"


def _by_section(result: FrameworkResult) -> dict[str, list[RequirementResult]]:
    grouped: dict[str, list[RequirementResult]] = {}
    for item in result.requirements:
        grouped.setdefault(item.requirement.section, []).append(item)
    return grouped


def _text(value: str) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(value.split()))
