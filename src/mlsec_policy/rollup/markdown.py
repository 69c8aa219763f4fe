"""The organisation record as Markdown: for a pull request, a wiki page or a ticket."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlsec_policy.rollup.view import OrgView, build, status_columns

MAX_LISTED = 100
"""Rows per inventory table; the JSON record holds all of them."""


def render(document: Mapping[str, Any]) -> str:
    """Return the Markdown page of the merged ``document``; the same input gives the same bytes."""
    view = build(document)
    lines = [
        "# ML security compliance across repositories",
        "",
        f"Merged {document['merged_at']} from {document['inputs']} report(s); "
        f"policy `{document['reference_policy_digest']}`.",
        "",
    ]
    lines += _summary(view)
    lines += _heatmap(view)
    lines += _frameworks(view)
    lines += _most_failed(view)
    lines += _waivers(view)
    lines += _inventory(document.get("inventory"))
    lines += _trend(document.get("trend"))
    lines += _outside(document)
    return "\n".join(lines).rstrip("\n") + "\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _summary(view: OrgView) -> list[str]:
    summary = view.summary
    verdicts = ", ".join(f"{n} {v}" for v, n in summary["verdicts"].items()) or "none"
    lines = [
        "## Summary",
        "",
        f"- Repositories: {summary['repositories']} ({verdicts})",
        f"- Scan errors that stop a verdict: {summary['errors']}",
        f"- Waivers expired or expiring soon: {summary['expiring_waivers']}",
        "",
        "| phase | " + " | ".join(["statuses across repositories"]) + " |",
        "|---|---|",
    ]
    for phase in summary["phases"]:
        counts = ", ".join(f"{n} {s}" for s, n in status_columns(phase["status_counts"]))
        lines.append(f"| {_cell(phase['title'])} | {counts or '–'} |")
    return [*lines, ""]


def _heatmap(view: OrgView) -> list[str]:
    titles = {p["id"]: p["title"] for p in view.summary["phases"]}
    lines = [
        "## Repositories × phases (worst status of each phase)",
        "",
        "| repository | verdict | commit | "
        + " | ".join(_cell(titles.get(p, p)) for p in view.phases)
        + " |",
        "|---|---|---|" + "---|" * len(view.phases),
    ]
    for record in view.rows:
        commit = (record["commit"] or "–")[:12]
        cells = " | ".join(record["phases"].get(p, "–") for p in view.phases)
        lines.append(f"| {_cell(record['name'])} | {record['verdict']} | `{commit}` | {cells} |")
    if view.hidden:
        lines.append(f"\n{view.hidden} more repositories are in the JSON record.")
    return [*lines, ""]


def _frameworks(view: OrgView) -> list[str]:
    frameworks = view.summary["frameworks"]
    if not frameworks:
        return []
    lines = ["## Frameworks", "", "| framework | repositories | requirements |", "|---|---|---|"]
    for framework in frameworks:
        counts = ", ".join(f"{n} {s}" for s, n in framework["status_counts"].items())
        lines.append(f"| {framework['id']} | {framework['repositories']} | {counts} |")
    return [*lines, ""]


def _most_failed(view: OrgView) -> list[str]:
    failed = view.summary["most_failed"]
    if not failed:
        return ["## Controls failing most widely", "", "No control fails anywhere.", ""]
    meta = {c["id"]: c for c in view.summary["controls"]}
    lines = [
        "## Controls failing most widely",
        "",
        "| control | severity | failing in | title |",
        "|---|---|---|---|",
    ]
    for entry in failed:
        control = meta[entry["id"]]
        lines.append(
            f"| {entry['id']} | {control['severity']} | {entry['failing_repositories']} | "
            f"{_cell(control['title'])} |"
        )
    return [*lines, ""]


def _waivers(view: OrgView) -> list[str]:
    rows = [
        (record["name"], waiver)
        for record in view.document["repositories"]
        for waiver in record["expiring_waivers"]
    ]
    if not rows:
        return []
    lines = [
        "## Waivers expired or expiring soon",
        "",
        "| repository | control | expires | state | ticket |",
        "|---|---|---|---|---|",
    ]
    for name, waiver in sorted(rows, key=lambda r: (r[1]["expires"], r[0])):
        lines.append(
            f"| {_cell(name)} | {waiver['control_id']} | {waiver['expires']} | "
            f"{waiver['state']} | {_cell(waiver['ticket'])} |"
        )
    return [*lines, ""]


def _inventory(inventory: Mapping[str, Any] | None) -> list[str]:
    if inventory is None:
        return []
    lines = [
        "## What the repositories ship (from their ML-BOMs)",
        "",
        f"{inventory['boms']} BOM(s), {inventory['model_files']} distinct model file(s).",
        "",
    ]
    if inventory["shared_model_files"]:
        lines += ["| model file (SHA-256) | paths | verdicts | repositories |", "|---|---|---|---|"]
        lines += [
            f"| `{m['sha256'][:16]}…` | {_cell(', '.join(m['paths']))} | "
            f"{', '.join(m['verdicts'])} | {len(m['repositories'])}: "
            f"{_cell(', '.join(m['repositories'][:10]))} |"
            for m in inventory["shared_model_files"][:MAX_LISTED]
        ]
        lines.append("")
    if inventory["hub_models"]:
        hubs = sorted(inventory["hub_models"], key=lambda h: (-h["unpinned_in"], h["id"]))
        lines += ["| hub model | pinned in | unpinned in |", "|---|---|---|"]
        lines += [
            f"| {_cell(h['id'])} | {h['pinned_in']} | {h['unpinned_in']} |"
            for h in hubs[:MAX_LISTED]
        ]
        lines.append("")
    if inventory["vulnerable_packages"]:
        lines += ["| advisory | packages | repositories |", "|---|---|---|"]
        lines += [
            f"| {v['advisory']} | {_cell(', '.join(v['packages']))} | "
            f"{len(v['repositories'])}: {_cell(', '.join(v['repositories'][:10]))} |"
            for v in inventory["vulnerable_packages"][:MAX_LISTED]
        ]
        lines.append("")
    return lines


def _trend(trend: Mapping[str, Any] | None) -> list[str]:
    if trend is None:
        return []
    lines = [
        f"## Since {trend['previous_merged_at']}",
        "",
        f"- Repositories improved: {trend['repositories_improved']}; worsened: "
        f"{trend['repositories_worsened']}",
        f"- New: {', '.join(trend['new_repositories']) or 'none'}; gone: "
        f"{', '.join(trend['gone_repositories']) or 'none'}",
        "",
    ]
    moved = [c for c in trend["controls"] if c["worsened"] or c["improved"]]
    if moved:
        lines += ["| control | improved in | worsened in |", "|---|---|---|"]
        lines += [f"| {c['id']} | {c['improved']} | {c['worsened']} |" for c in moved]
        lines.append("")
    return lines


def _outside(document: Mapping[str, Any]) -> list[str]:
    lines = [
        f"- {group['repositories']} repository report(s) were scanned under another policy "
        f"(`{group['policy_digest']}`); their figures are not counted above."
        for group in document["other_policies"]
    ]
    lines += [
        f"- Not merged: `{_cell(rejected['source'])}` ({rejected['verdict']}): "
        f"{_cell(rejected['reason'])}"
        for rejected in document["rejected"]
    ]
    return ["## Not counted", "", *lines, ""] if lines else []
