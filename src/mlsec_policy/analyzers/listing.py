"""What a scan knows of an analyzer before importing it: its listing in the registry.

A scan whose results all come from the result cache plans every check (which files, which
cache keys) but runs few analyzers. The plan needs only each analyzer's :class:`Listing`
(kinds, file or repository analyzer, cached, facts, extra reads, its parameters' schema); the
registry (:mod:`mlsec_policy.analyzers`) keeps the listings in a generated index and imports
an analyzer's domain only when its spec is asked for. A check loaded for a scan keeps its
parameters :class:`Unparsed` until its analyzer runs: they are valid against the schema (the
loader checked them, or remembered the same bytes checked) and are read into the analyzer's
type from the same ``raw_params`` then.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.models import ArtifactKind, JsonValue


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A check's parameters, valid against its analyzer's schema, not yet read into its type."""

    raw: Mapping[str, JsonValue]


@dataclass(frozen=True, slots=True)
class Listing:
    """An analyzer as the registry lists it: everything but its code and its parameter type."""

    name: str
    domain: str
    """The package under :mod:`mlsec_policy.analyzers` that defines it."""
    kinds: frozenset[ArtifactKind]
    repo: bool
    """True for a repository analyzer, False for a file analyzer."""
    cached: bool
    facts: bool
    """True when the (repository) analyzer declares per-file facts."""
    also_reads: tuple[str, ...]
    inline_suppressible: bool
    schema: Mapping[str, Any]
    """The JSON Schema of its ``params``."""

    @staticmethod
    def of(spec: AnalyzerSpec[Any], domain: str) -> Listing:
        """Return the listing of ``spec``, defined in ``domain``."""
        return Listing(
            name=spec.name,
            domain=domain,
            kinds=spec.kinds,
            repo=spec.repo is not None,
            cached=spec.cached,
            facts=bool(spec.facts),
            also_reads=spec.also_reads,
            inline_suppressible=spec.inline_suppressible,
            schema=spec.params_schema,
        )

    @property
    def params_schema(self) -> Mapping[str, Any]:
        """Return the JSON Schema of the ``params`` a check may give (the loader's reader)."""
        return self.schema

    def parse_params(self, raw: Mapping[str, JsonValue]) -> object:
        """Return ``raw`` (already valid) kept unread until the analyzer runs."""
        return Unparsed(raw)


class Listed(Mapping[str, AnalyzerSpec[Any]]):
    """A registry that tells an analyzer's listing without importing the analyzer."""

    @abstractmethod
    def listing(self, name: str) -> Listing:
        """Return the listing of analyzer ``name`` (KeyError when there is none)."""


def listing_of(analyzers: Mapping[str, AnalyzerSpec[Any]], name: str) -> Listing:
    """Return the listing of ``name``: from the registry's index, or from the spec itself."""
    if isinstance(analyzers, Listed):
        return analyzers.listing(name)
    return Listing.of(analyzers[name], "")


def bound(analyzers: Mapping[str, AnalyzerSpec[Any]], name: str, params: object) -> object:
    """Return a check's parameters read into the type of analyzer ``name`` (now, if unread)."""
    if isinstance(params, Unparsed):
        return analyzers[name].parse_params(params.raw)
    return params
