"""Load compliance frameworks from the packs' ``frameworks/`` folders, checked line by line.

Each pack may hold ``frameworks/<id>.yaml`` files: a framework of its own, or an extension
(``extends: <id>``) that adds sections, requirements and mappings to one an earlier file
defines. Every file is checked against ``schemas/framework.schema.json`` and then against the
policy: sections and parents exist, ids are unique, every mapping names a control a pack
defines, attestation evidence comes from attestation controls, and a requirement has mappings
exactly when it is covered. Every problem is collected with its file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from mlsec_policy.errors import PolicyErrors, UsageError
from mlsec_policy.frameworks.checks import FileCheck, check_extension, check_framework
from mlsec_policy.models import (
    ControlMapping,
    Coverage,
    EvidenceKind,
    Framework,
    FrameworkSection,
    Requirement,
)
from mlsec_policy.policy import Policy
from mlsec_policy.policy.collect import Collector, closest_hint, read_yaml, sorted_errors
from mlsec_policy.schema_check import check_document
from mlsec_policy.yamlpos import Document

FRAMEWORKS_DIR = "frameworks"
"""The folder of a pack that holds its framework files."""

SCHEMA = "framework.schema.json"


@dataclass(frozen=True, slots=True)
class Frameworks:
    """Every framework the packs define, by id, with their aliases."""

    by_id: Mapping[str, Framework]

    def ids(self) -> tuple[str, ...]:
        """Return the framework ids, sorted."""
        return tuple(sorted(self.by_id))

    def names(self) -> dict[str, str]:
        """Return every name a framework answers to (id and aliases) with its id."""
        names = {alias: f.id for f in self.by_id.values() for alias in f.aliases}
        names.update({f.id: f.id for f in self.by_id.values()})
        return names

    def get(self, name: str) -> Framework:
        """Return the framework with this id or alias; raise :class:`UsageError` if none."""
        names = self.names()
        if name not in names:
            known = ", ".join(sorted(names)) or "none"
            hint = closest_hint(name, names) or f"known frameworks: {known}"
            raise UsageError(f"unknown framework {name!r}", hint=hint)
        return self.by_id[names[name]]

    def select(self, names: tuple[str, ...]) -> tuple[Framework, ...]:
        """Return the frameworks ``names`` designate, each once, in the order given."""
        chosen: dict[str, Framework] = {}
        for name in names:
            framework = self.get(name)
            chosen.setdefault(framework.id, framework)
        return tuple(chosen.values())


def framework_files(pack_root: Path) -> Iterator[Path]:
    """Yield the framework files of a pack, sorted."""
    folder = pack_root / FRAMEWORKS_DIR
    if folder.is_dir():
        yield from sorted(p for p in folder.rglob("*.yaml") if p.is_file())


def load_frameworks(policy: Policy) -> Frameworks:
    """Return the frameworks of every pack of ``policy``, extensions applied in pack order.

    Raises :class:`PolicyErrors` listing every problem found in any framework file.
    """
    collect = Collector()
    controls = {c.id: c.is_attestation for c in policy.controls}
    known = policy.known_ids()
    bases: dict[str, Framework] = {}
    extensions: list[tuple[Document, Path, Path]] = []
    for pack in policy.packs:
        for path in framework_files(pack.root):
            document = read_yaml(path, collect, pack.root)
            if document is None:
                continue
            problems = check_document(document, SCHEMA, str(path))
            if problems:
                collect.add(problems)
                continue
            if "extends" in cast(dict[str, Any], document.data):
                extensions.append((document, path, pack.root))
                continue
            check = FileCheck(document, path, collect, known, controls)
            framework = _build(document, path.relative_to(pack.root).as_posix())
            if check_framework(check, framework, bases):
                bases[framework.id] = framework
    for document, path, root in extensions:
        check = FileCheck(document, path, collect, known, controls)
        base = check_extension(check, bases)
        if base is not None:
            bases[base.id] = _extend(base, document, path.relative_to(root).as_posix())
    if collect.errors:
        raise PolicyErrors(sorted_errors(collect.errors))
    return Frameworks(dict(sorted(bases.items())))


def _build(document: Document, file: str) -> Framework:
    data = cast(dict[str, Any], document.data)
    effective = data.get("effective", {})
    return Framework(
        id=data["id"],
        title=_text(data["title"]),
        version=str(data["version"]),
        publisher=_text(data["publisher"]),
        source=data["source"],
        sections=tuple(_section(item) for item in data["sections"]),
        requirements=tuple(_requirement(item) for item in data["requirements"]),
        aliases=tuple(data.get("aliases", [])),
        effective_from=effective.get("from"),
        effective_until=effective.get("until"),
        notes=_text(data.get("notes", "")),
        files=(file,),
    )


def _extend(base: Framework, document: Document, file: str) -> Framework:
    """Return ``base`` with an extension's sections, requirements and mappings merged in."""
    data = cast(dict[str, Any], document.data)
    requirements = {r.id: r for r in base.requirements}
    for item in data.get("requirements", []):
        old = requirements.get(item["id"])
        if old is None:
            requirements[item["id"]] = _requirement(item)
            continue
        mappings = old.mappings + tuple(_mapping(m) for m in item.get("mappings", []))
        requirements[old.id] = replace(
            old,
            coverage=Coverage(item.get("coverage", old.coverage.value)),
            mappings=mappings,
            reason=_text(item["reason"]) if "reason" in item else old.reason,
        )
    notes = " ".join(part for part in (base.notes, _text(data.get("notes", ""))) if part)
    return replace(
        base,
        sections=base.sections + tuple(_section(s) for s in data.get("sections", [])),
        requirements=tuple(requirements.values()),
        notes=notes,
        files=(*base.files, file),
    )


def _section(item: dict[str, Any]) -> FrameworkSection:
    return FrameworkSection(item["id"], _text(item["title"]), item.get("parent"))


def _requirement(item: dict[str, Any]) -> Requirement:
    return Requirement(
        id=str(item["id"]),
        title=_text(item["title"]),
        section=item["section"],
        coverage=Coverage(item["coverage"]),
        mappings=tuple(_mapping(m) for m in item.get("mappings", [])),
        reason=_text(item.get("reason", "")),
        applies_from=item.get("applies-from"),
    )


def _mapping(item: dict[str, Any]) -> ControlMapping:
    return ControlMapping(
        item["control"], EvidenceKind(item["evidence"]), _text(item.get("note", ""))
    )


def _text(value: object) -> str:
    return " ".join(str(value).split())
