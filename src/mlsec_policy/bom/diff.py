"""Compare two ML-BOMs: models, datasets, hub revisions, packages and base images.

Components are matched by identity, not by ``bom-ref``: a library by its name, a hub model or
dataset by its repository id, a file by its path, a base image by its name. A matched
component whose version, hashes, revision pinning, remote-code flag or artifact verdict differ
is "changed"; vulnerabilities are compared by id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

WATCHED = (
    "mlsec-policy:revision-pinned",
    "mlsec-policy:trust-remote-code",
    "mlsec-policy:artifact-verdict",
    "mlsec-policy:dependency",
)
"""Properties whose change a reviewer of a release must see."""
SECTIONS = {
    "machine-learning-model": "models",
    "data": "datasets",
    "library": "packages",
    "container": "containers",
}


def _identity(component: Mapping[str, Any]) -> str:
    props = {p["name"]: p["value"] for p in component.get("properties", [])}
    hub = props.get("mlsec-policy:hub-repository")
    if hub:
        return f"hub:{hub}"
    return str(component.get("name", component.get("bom-ref", "")))


def _index(bom: Mapping[str, Any]) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    found: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for component in bom.get("components", []):
        section = SECTIONS.get(str(component.get("type")))
        if section is not None:
            found.setdefault((section, _identity(component)), []).append(component)
    return found


def _summary(component: Mapping[str, Any]) -> dict[str, Any]:
    props = {p["name"]: p["value"] for p in component.get("properties", [])}
    return {
        "version": component.get("version"),
        "hashes": sorted(f"{h['alg']}:{h['content']}" for h in component.get("hashes", [])),
        **{name.split(":", 1)[1]: props.get(name) for name in WATCHED},
    }


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Return, per section, the added, removed and changed components (and vulnerabilities)."""
    before, after = _index(old), _index(new)
    changes: dict[str, list[dict[str, Any]]] = {s: [] for s in (*SECTIONS.values(), "vulns")}
    for key in sorted(before.keys() | after.keys()):
        section, name = key
        if key not in after:
            changes[section].append({"change": "removed", "name": name})
        elif key not in before:
            versions = sorted(str(c.get("version", "")) for c in after[key])
            changes[section].append({"change": "added", "name": name, "versions": versions})
        else:
            old_all = sorted((_summary(c) for c in before[key]), key=repr)
            new_all = sorted((_summary(c) for c in after[key]), key=repr)
            if old_all != new_all:
                changes[section].append(
                    {"change": "changed", "name": name, "fields": list(_fields(old_all, new_all))}
                )
    old_ids = {v["id"] for v in old.get("vulnerabilities", [])}
    new_ids = {v["id"] for v in new.get("vulnerabilities", [])}
    changes["vulns"] = [{"change": "added", "name": i} for i in sorted(new_ids - old_ids)] + [
        {"change": "removed", "name": i} for i in sorted(old_ids - new_ids)
    ]
    return changes


def _fields(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Yield each summary field whose values differ between the two sides."""
    for field in old[0] if old else new[0]:
        before = [o.get(field) for o in old]
        after = [n.get(field) for n in new]
        if before != after:
            yield {
                "field": field,
                "old": before if len(before) > 1 else before[0],
                "new": after if len(after) > 1 else after[0],
            }


def render_diff(changes: Mapping[str, list[dict[str, Any]]]) -> str:
    """Return the changes as text for a person, one line per change."""
    lines: list[str] = []
    for section, items in changes.items():
        for item in items:
            line = f"{section}: {item['change']} {item['name']}"
            if item["change"] == "added" and item.get("versions") and any(item["versions"]):
                line += f" ({', '.join(v for v in item['versions'] if v)})"
            for field in item.get("fields", []):
                line += f"; {field['field']}: {field['old']} -> {field['new']}"
            lines.append(line)
    return "\n".join(lines) + "\n" if lines else "no changes\n"
