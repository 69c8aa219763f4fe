"""The BOM's value types: components before serialisation, each field with where it came from.

Every field a collector fills carries a :class:`Source`: whether it was ``declared`` (a model
or data card, a manifest's author says so), ``observed`` (read from the artifact's bytes or a
lock file) or ``inferred`` (from code that uses it), and the file and line it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

NAMESPACE = "mlsec-policy"
"""Prefix of every CycloneDX property this tool writes."""


class Basis(StrEnum):
    """How sure a field is: what kind of evidence it rests on."""

    DECLARED = "declared"
    """A model card, data card or manifest says so."""
    OBSERVED = "observed"
    """Read from the artifact itself or from a lock file."""
    INFERRED = "inferred"
    """Read from code or configuration that uses the component."""


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """Where one field of a component came from."""

    basis: Basis
    path: str
    line: int | None = None

    def text(self) -> str:
        """Return ``basis path[:line]`` for a property value."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{self.basis.value} {where}"


class Kind(StrEnum):
    """The CycloneDX component types the BOM uses."""

    MODEL = "machine-learning-model"
    DATA = "data"
    LIBRARY = "library"
    CONTAINER = "container"
    FILE = "file"


@dataclass
class Part:
    """One component of the BOM, with the source of each field it fills."""

    kind: Kind
    ref: str
    """The ``bom-ref``: stable, derived from what the component is (never from a counter)."""
    name: str
    version: str | None = None
    group: str | None = None
    purl: str | None = None
    description: str | None = None
    scope: str | None = None
    hashes: dict[str, str] = field(default_factory=dict)
    """Algorithm (CycloneDX spelling: ``SHA-256``) to lower-case hex digest."""
    facts: dict[str, str] = field(default_factory=dict)
    """Our own properties, written as ``mlsec-policy:<name>``."""
    provenance: dict[str, Source] = field(default_factory=dict)
    """Field name to where its value came from (the first source wins)."""
    model_card: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    ancestors: list[tuple[str, str]] = field(default_factory=list)
    """(base model name, relation: fine-tune, adapter, quantised, merged) for pedigree."""
    external: list[tuple[str, str]] = field(default_factory=list)
    """(type, url) external references (a hub page)."""
    files: list[Part] = field(default_factory=list)
    """Nested file components (the shards of a sharded model)."""
    depends_on: set[str] = field(default_factory=set)
    locations: set[str] = field(default_factory=set)
    """``path:line`` places where the component is referenced or held."""

    def fill(self, name: str, value: str, source: Source) -> None:
        """Record fact ``name`` = ``value`` with its source (a known fact is kept)."""
        if name in self.facts:
            return
        self.facts[name] = value
        self.note(name, source)

    def note(self, name: str, source: Source) -> None:
        """Record the source of field ``name`` unless one is already known."""
        self.provenance.setdefault(name, source)


def ref_for(kind: Kind, key: str) -> str:
    """Return a bom-ref for a component of ``kind`` identified by ``key`` (a path, a purl)."""
    return f"{kind.value}:{key}"
