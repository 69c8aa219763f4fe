"""Load policy packs: read, validate against the schemas, cross-check, build the Policy.

Every problem is collected with its file, line and column before anything is reported, so a
pack author sees all mistakes at once. The steps live beside this module: :mod:`.packs` finds
the packs and their files, :mod:`.taxonomy` reads the phases and risk codes, :mod:`.build`
turns a control file into values and :mod:`.crosscheck` checks what a schema cannot.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Protocol

from mlsec_policy.errors import PolicyError, PolicyErrors
from mlsec_policy.models import Severity, Taxonomy
from mlsec_policy.policy.build import bind_params, build_control
from mlsec_policy.policy.collect import (
    Collector,
    closest_hint,
    read_yaml,
    resolves_inside,
    sorted_errors,
)
from mlsec_policy.policy.crosscheck import cross_check, register
from mlsec_policy.policy.documents import DocumentMemo, decode, encode
from mlsec_policy.policy.model import Control, Pack, ParamsReader, Policy
from mlsec_policy.policy.packs import (
    apply_pack_settings,
    combine,
    control_files,
    load_pack_file,
    resolve_sources,
)
from mlsec_policy.policy.semgrep_rules import semgrep_rule_schema
from mlsec_policy.policy.taxonomy import TAXONOMY_FILE, load_taxonomy
from mlsec_policy.resources import load_schema, policies_dir
from mlsec_policy.schema_check import check_document
from mlsec_policy.yamlpos import Document


class ValidationMemo(Protocol):
    """Remembers control files found valid, by a digest of everything their checks read."""

    def known_valid(self, key: str) -> bool:
        """Return True when a control file with this key was found valid before."""
        ...

    def remember_valid(self, key: str) -> None:
        """Record that a control file with this key is valid."""
        ...


def load_policy(
    sources: Sequence[str],
    analyzers: Mapping[str, ParamsReader],
    memo: ValidationMemo | None = None,
    documents: DocumentMemo | None = None,
) -> Policy:
    """Load the packs named by ``sources`` (``builtin`` or directories), in order.

    ``analyzers`` maps each native analyzer name to what reads its parameters: their JSON
    Schema, checked for every check, and their type, which valid parameters are read into.
    With a ``memo``, a control file whose bytes and context (taxonomy, analyzers, semgrep's
    rule schema) were found valid before is not checked against the schemas again; ids are
    still checked across packs. With ``documents`` too, such a file is not even parsed: its
    document comes from there (a file outside its pack is refused first, as ever). Raises
    :class:`PolicyErrors` listing every problem found.
    """
    collect = Collector()
    check = partial(_checked, memo=memo)
    taxonomy = load_taxonomy(policies_dir() / TAXONOMY_FILE, check)
    packs: list[Pack] = []
    controls: dict[str, Control] = {}
    check_owner: dict[str, Path] = {}
    for pack_dir, source in resolve_sources(sources, collect):
        pack = load_pack_file(pack_dir, source, collect, check)
        if pack is None:
            continue
        packs.append(pack)
        for control in _load_controls(pack, taxonomy, analyzers, collect, memo, documents):
            register(control, controls, check_owner, collect)
    disabled = apply_pack_settings(packs, controls, collect)
    if collect.errors:
        raise PolicyErrors(sorted_errors(collect.errors))
    enabled = tuple(sorted((c for c in controls.values() if c.id not in disabled), key=_by_id))
    digest = combine([pack.digest for pack in packs])
    return Policy(
        taxonomy, tuple(packs), enabled, tuple(sorted(disabled)), digest, frozenset(controls)
    )


def configure(
    policy: Policy, disable: Sequence[str], severity_overrides: Mapping[str, Severity]
) -> Policy:
    """Return ``policy`` with more controls disabled and some severities changed.

    These settings come from the command line or a repository configuration and apply after
    the packs' own. Raises :class:`PolicyErrors` when one names a control no pack defines.
    """
    known = policy.known_ids()
    unknown = sorted({c for c in [*disable, *severity_overrides] if c not in known})
    if unknown:
        raise PolicyErrors(
            [
                PolicyError(
                    f"the settings name unknown control {control_id!r}",
                    path="configuration",
                    hint=closest_hint(control_id, known),
                )
                for control_id in unknown
            ]
        )
    off = set(disable)
    controls = []
    for control in policy.controls:
        if control.id in off:
            continue
        severity = severity_overrides.get(control.id)
        controls.append(control if severity is None else control.with_severity(severity))
    disabled = tuple(sorted(set(policy.disabled) | off))
    return replace(policy, controls=tuple(controls), disabled=disabled)


def _load_controls(
    pack: Pack,
    taxonomy: Taxonomy,
    analyzers: Mapping[str, ParamsReader],
    collect: Collector,
    memo: ValidationMemo | None = None,
    documents: DocumentMemo | None = None,
) -> Iterator[Control]:
    phase_ids = {phase.id for phase in taxonomy.phases}
    risk_ids = {risk.id for risk in taxonomy.risks}
    context = _validation_context(phase_ids, risk_ids, analyzers) if memo else b""
    for path in control_files(pack.root):
        key = None
        if memo is not None and documents is not None and resolves_inside(path, pack.root):
            key = _validation_key(path, context)
            known = None if key is None else decode(documents.known_document(key))
            if known is not None:
                yield bind_params(build_control(known, path, pack), analyzers)
                continue
        document = read_yaml(path, collect, pack.root)
        if document is None:
            continue
        key = key or (_validation_key(path, context) if memo else None)
        if memo is not None and key is not None and memo.known_valid(key):
            if documents is not None:
                documents.remember_document(key, encode(document))
            yield bind_params(build_control(document, path, pack), analyzers)
            continue
        problems = check_document(document, "control.schema.json", str(path))
        if problems:
            collect.add(problems)
            continue
        before = len(collect.errors)
        control = build_control(document, path, pack)
        cross_check(control, document, path, phase_ids, risk_ids, analyzers, collect)
        if len(collect.errors) == before:
            if memo is not None and key is not None:
                memo.remember_valid(key)
                if documents is not None:
                    documents.remember_document(key, encode(document))
            yield bind_params(control, analyzers)


def _validation_context(
    phase_ids: set[str], risk_ids: set[str], analyzers: Mapping[str, ParamsReader]
) -> bytes:
    """Return what a control file's validity depends on besides its own bytes."""
    schema = semgrep_rule_schema()
    parts = {
        "control-schema": load_schema("control.schema.json"),
        "phases": sorted(phase_ids),
        "risks": sorted(risk_ids),
        "analyzers": {name: analyzers[name].params_schema for name in sorted(analyzers)},
        "semgrep-schema": hashlib.sha256(schema.read_bytes()).hexdigest() if schema else None,
    }
    return json.dumps(parts, sort_keys=True, default=str).encode("utf-8")


def _validation_key(path: Path, context: bytes) -> str | None:
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(context + b"\0" + content).hexdigest()


def _checked(
    document: Document, schema_name: str, path: str, memo: ValidationMemo | None
) -> list[PolicyError]:
    """Return the schema problems of a taxonomy or pack file, remembering one found valid.

    The key is the file's bytes with the schema's: the same bytes checked against the same
    schema give the same answer (what a warm scan saves is importing jsonschema at all).
    """
    key = None
    if memo is not None:
        context = json.dumps([schema_name, load_schema(schema_name)], sort_keys=True)
        key = _validation_key(Path(path), context.encode("utf-8"))
        if key is not None and memo.known_valid(key):
            return []
    problems = check_document(document, schema_name, path)
    if not problems and memo is not None and key is not None:
        memo.remember_valid(key)
    return problems


def _by_id(control: Control) -> str:
    return control.id
