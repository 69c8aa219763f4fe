"""What the framework schema cannot check: names that must exist, ids that must be unique.

Sections and a requirement's section must exist in the framework, parents must be sections
named earlier (so the structure has no cycles), requirement ids are unique, a requirement has
mappings exactly when it is covered (and a reason when it is not), every mapping names a
control some pack defines, and ``attestation`` evidence comes from attestation controls and
only from them. Problems are recorded at the line of the offending value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from mlsec_policy.models import Framework
from mlsec_policy.policy.collect import Collector, closest_hint
from mlsec_policy.yamlpos import Document, Path_


@dataclass(frozen=True, slots=True)
class FileCheck:
    """One framework file being checked, and what it is checked against."""

    document: Document
    path: Path
    collect: Collector
    known: frozenset[str]
    """Every control id the packs define."""
    attestation: Mapping[str, bool]
    """Enabled controls by id: True when only an attestation decides them."""

    def error(self, message: str, at: Path_, hint: str | None = None, key: bool = False) -> None:
        """Record a problem at the value (or, with ``key``, the key) that ``at`` names."""
        positions = self.document.positions
        position = positions.of_key(at) if key else positions.of(at)
        self.collect.error(message, self.path, position, hint)

    @property
    def data(self) -> dict[str, Any]:
        """Return the file's (schema-valid) data."""
        return cast(dict[str, Any], self.document.data)


def check_framework(
    check: FileCheck, framework: Framework, defined: Mapping[str, Framework]
) -> bool:
    """Check a framework file; return True when it added no problem."""
    before = len(check.collect.errors)
    if framework.id in defined:
        check.error(
            f"framework {framework.id!r} is defined twice",
            ("id",),
            hint=f"first defined in {', '.join(defined[framework.id].files)}; "
            "add to it with a file that says 'extends'",
        )
    if check.path.stem != framework.id:
        check.error(
            f"the file of framework {framework.id!r} must be named {framework.id}.yaml",
            ("id",),
        )
    names = {a: f.id for f in defined.values() for a in (f.id, *f.aliases)}
    for index, alias in enumerate((framework.id, *framework.aliases)):
        if alias in names and names[alias] != framework.id:
            at: Path_ = ("id",) if index == 0 else ("aliases", index - 1)
            check.error(f"{alias!r} already names framework {names[alias]!r}", at)
    sections = _check_sections(check, check.data["sections"], set())
    _check_requirements(check, check.data["requirements"], sections, {})
    return len(check.collect.errors) == before


def check_extension(check: FileCheck, defined: Mapping[str, Framework]) -> Framework | None:
    """Check an extension file; return the framework it extends when it has no problem."""
    before = len(check.collect.errors)
    target = check.data["extends"]
    base = defined.get(target)
    if base is None:
        hint = closest_hint(target, defined) or "no framework of the loaded packs has that id"
        check.error(f"'extends' names unknown framework {target!r}", ("extends",), hint=hint)
        return None
    sections = _check_sections(check, check.data.get("sections", []), {s.id for s in base.sections})
    existing = {
        r.id: (r.coverage.value, len(r.mappings), bool(r.reason)) for r in base.requirements
    }
    _check_requirements(check, check.data.get("requirements", []), sections, existing)
    return base if len(check.collect.errors) == before else None


def _check_sections(check: FileCheck, items: list[dict[str, Any]], seen: set[str]) -> set[str]:
    sections = set(seen)
    for index, item in enumerate(items):
        parent = item.get("parent")
        if parent is not None and parent not in sections:
            check.error(
                f"parent {parent!r} is not a section named before this one",
                ("sections", index, "parent"),
                hint=closest_hint(parent, sections),
            )
        if item["id"] in sections:
            check.error(f"section {item['id']!r} is listed twice", ("sections", index, "id"))
        sections.add(item["id"])
    return sections


def _check_requirements(
    check: FileCheck,
    items: list[dict[str, Any]],
    sections: set[str],
    existing: Mapping[str, tuple[str, int, bool]],
) -> None:
    """Check requirement entries.

    ``existing`` holds a base framework's (coverage, mapping count, has a reason) by id, for
    the entries of an extension that add to them.
    """
    seen: set[str] = set()
    for index, item in enumerate(items):
        at: Path_ = ("requirements", index)
        rid = str(item["id"])
        if rid in seen:
            check.error(f"requirement {rid!r} is listed twice", (*at, "id"))
        seen.add(rid)
        old = existing.get(rid)
        if old is None:
            missing = [k for k in ("title", "section", "coverage") if k not in item]
            if missing:
                check.error(
                    f"new requirement {rid!r} needs {', '.join(missing)}",
                    (*at, "id"),
                    hint="an extension adds mappings to an existing id, or a whole requirement",
                )
                continue
        else:
            for field in ("title", "section", "applies-from"):
                if field in item:
                    check.error(
                        f"an extension cannot change the {field} of requirement {rid!r}",
                        (*at, field),
                        key=True,
                    )
        if "section" in item and item["section"] not in sections:
            check.error(
                f"section {item['section']!r} is not a section of this framework",
                (*at, "section"),
                hint=closest_hint(item["section"], sections),
            )
        coverage = item.get("coverage", old[0] if old else "not-covered")
        mappings = len(item.get("mappings", [])) + (old[1] if old else 0)
        has_reason = "reason" in item or bool(old and old[2])
        _check_coverage(check, at, rid, coverage, mappings, has_reason)
        _check_mappings(check, at, item.get("mappings", []))


def _check_coverage(
    check: FileCheck, at: Path_, rid: str, coverage: str, mappings: int, has_reason: bool
) -> None:
    if coverage == "not-covered":
        if mappings:
            check.error(
                f"requirement {rid!r} is not-covered but has mappings",
                (*at, "coverage"),
                hint="say 'full' or 'partial', or remove the mappings",
            )
        if not has_reason:
            check.error(
                f"requirement {rid!r} is not-covered: say why in 'reason'",
                (*at, "id"),
                hint="what a person must do, or why a repository cannot show it",
            )
    elif not mappings:
        check.error(
            f"requirement {rid!r} is {coverage} but maps to no control",
            (*at, "coverage"),
            hint="add mappings, or say 'not-covered' with a reason",
        )


def _check_mappings(check: FileCheck, at: Path_, mappings: list[dict[str, Any]]) -> None:
    controls: set[str] = set()
    for index, item in enumerate(mappings):
        where: Path_ = (*at, "mappings", index)
        control = item["control"]
        if control in controls:
            check.error(f"control {control!r} is mapped twice here", (*where, "control"))
        controls.add(control)
        if control not in check.known:
            check.error(
                f"unknown control {control!r}",
                (*where, "control"),
                hint=closest_hint(control, check.known) or "mlsec-policy controls list",
            )
            continue
        attestation = check.attestation.get(control)
        if attestation is None:
            continue  # disabled: its kind of evidence is not known here
        if attestation and item["evidence"] != "attestation":
            check.error(
                f"{control} is decided by attestation: its evidence is 'attestation'",
                (*where, "evidence"),
            )
        elif not attestation and item["evidence"] == "attestation":
            check.error(
                f"{control} is decided from files: its evidence is 'automated' or 'document'",
                (*where, "evidence"),
            )
