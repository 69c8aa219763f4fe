"""Load policy packs: read, validate against the schemas, cross-check, build the Policy.

Every problem is collected with its file, line and column before anything is reported, so a
pack author sees all mistakes at once. Cross-checks cover what a schema cannot: unknown phases
and risk codes, duplicate ids across files and packs, unknown analyzers and their parameters,
semgrep rules that do not fit semgrep's own schema, and overrides naming no control.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import jsonschema

from mlsec_policy.errors import PolicyError, PolicyErrors
from mlsec_policy.models import (
    ArtifactKind,
    CheckMode,
    ControlMeta,
    JsonValue,
    LayerInfo,
    PhaseInfo,
    References,
    RiskInfo,
    Severity,
    Taxonomy,
)
from mlsec_policy.policy.model import Check, Control, Pack, Policy
from mlsec_policy.policy.semgrep_rules import build_rule, semgrep_rule_validator
from mlsec_policy.resources import policies_dir
from mlsec_policy.schema_check import check_data, check_document
from mlsec_policy.yamlpos import Document, YamlError, load_single

BUILTIN = "builtin"
"""The name that stands for the bundled pack in ``--policy`` and ``extends``."""

PACK_FILE = "pack.yaml"
TAXONOMY_FILE = "taxonomy.yaml"
CONTROLS_DIR = "controls"
FIXTURES_DIR = "tests"
"""Folders with this name under ``controls/`` hold fixtures, never controls."""


@dataclass
class _Collector:
    """Gathers problems from every file so they are reported together."""

    errors: list[PolicyError] = field(default_factory=list)

    def add(self, errors: Sequence[PolicyError]) -> None:
        self.errors.extend(errors)

    def error(
        self,
        message: str,
        path: Path | str,
        position: tuple[int, int] | None = None,
        hint: str | None = None,
    ) -> None:
        line, column = position if position else (None, None)
        self.errors.append(
            PolicyError(message, path=str(path), line=line, column=column, hint=hint)
        )


def load_policy(
    sources: Sequence[str],
    analyzers: Mapping[str, Mapping[str, Any]],
    *,
    disable: Sequence[str] = (),
    severity_overrides: Mapping[str, Severity] | None = None,
) -> Policy:
    """Load the packs named by ``sources`` (``builtin`` or directories), in order.

    ``analyzers`` maps each native analyzer name to the JSON Schema of its parameters.
    ``disable`` and ``severity_overrides`` come from the repository configuration and apply
    after the packs' own. Raises :class:`PolicyErrors` listing every problem found.
    """
    collect = _Collector()
    taxonomy = load_taxonomy(policies_dir() / TAXONOMY_FILE)
    pack_dirs = _resolve_sources(sources, collect)
    packs: list[Pack] = []
    controls: dict[str, Control] = {}
    check_owner: dict[str, Path] = {}
    for pack_dir, source in pack_dirs:
        pack = _load_pack_file(pack_dir, source, collect)
        if pack is None:
            continue
        packs.append(pack)
        for control in _load_controls(pack, taxonomy, analyzers, collect):
            _register(control, controls, check_owner, collect)
    disabled = _apply_pack_settings(packs, controls, collect)
    if collect.errors:
        raise PolicyErrors(_sorted_errors(collect.errors))
    enabled = tuple(sorted((c for c in controls.values() if c.id not in disabled), key=_by_id))
    digest = _combine([pack.digest for pack in packs])
    policy = Policy(
        taxonomy, tuple(packs), enabled, tuple(sorted(disabled)), digest, frozenset(controls)
    )
    if disable or severity_overrides:
        policy = configure(policy, disable, severity_overrides or {})
    return policy


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
                    hint=_closest_hint(control_id, known),
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
        if severity is not None:
            control = replace(control, meta=replace(control.meta, severity=severity))
        controls.append(control)
    disabled = tuple(sorted(set(policy.disabled) | off))
    return replace(policy, controls=tuple(controls), disabled=disabled)


def _closest_hint(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else None


def load_taxonomy(path: Path) -> Taxonomy:
    """Load and check the taxonomy file (phases, layers, risk codes)."""
    collect = _Collector()
    document = _read_yaml(path, collect)
    if document is None:
        raise PolicyErrors(collect.errors)
    collect.add(check_document(document, "taxonomy.schema.json", str(path)))
    if collect.errors:
        raise PolicyErrors(collect.errors)
    data = cast(dict[str, Any], document.data)
    layers = tuple(LayerInfo(item["id"], item["title"]) for item in data["layers"])
    layer_ids = {layer.id for layer in layers}
    phases = tuple(
        PhaseInfo(item["id"], item["title"], item["layer"], order, item["description"])
        for order, item in enumerate(data["phases"], start=1)
    )
    phase_ids = {phase.id for phase in phases}
    for index, phase in enumerate(phases):
        if phase.layer not in layer_ids:
            where = document.positions.of(("phases", index, "layer"))
            collect.error(f"phase {phase.id!r} names unknown layer {phase.layer!r}", path, where)
    risks = tuple(
        RiskInfo(item["id"], item["title"], item["phase"], item["description"])
        for item in data["risks"]
    )
    seen: set[str] = set()
    for index, risk in enumerate(risks):
        if risk.phase not in phase_ids:
            where = document.positions.of(("risks", index, "phase"))
            collect.error(f"risk {risk.id!r} names unknown phase {risk.phase!r}", path, where)
        if risk.id in seen:
            collect.error(
                f"duplicate risk code {risk.id!r}", path, document.positions.of(("risks", index))
            )
        seen.add(risk.id)
    if collect.errors:
        raise PolicyErrors(collect.errors)
    return Taxonomy(layers, phases, risks)


def _resolve_sources(sources: Sequence[str], collect: _Collector) -> list[tuple[Path, str]]:
    """Expand ``extends`` chains: each pack comes after the packs it extends, once."""
    ordered: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def visit(source: str, base: Path | None, chain: tuple[Path, ...]) -> None:
        if source == BUILTIN:
            directory = policies_dir().resolve()
        else:
            directory = ((base / source) if base else Path(source)).resolve()
        if directory in chain:
            collect.error("the packs extend each other in a cycle", directory / PACK_FILE)
            return
        if directory in seen:
            return
        if not (directory / PACK_FILE).is_file():
            collect.error(
                f"not a policy pack: {source!r} has no {PACK_FILE}",
                directory,
                hint="a pack is a directory with pack.yaml and a controls/ folder",
            )
            seen.add(directory)
            return
        for parent in _declared_extends(directory / PACK_FILE):
            visit(parent, directory, (*chain, directory))
        seen.add(directory)
        ordered.append((directory, BUILTIN if source == BUILTIN else source))

    for source in sources:
        visit(source, None, ())
    return ordered


def _declared_extends(pack_file: Path) -> list[str]:
    """Read just the ``extends`` list of a pack file (full validation happens later)."""
    try:
        data = load_single(pack_file.read_text(encoding="utf-8")).data
    except (OSError, UnicodeDecodeError, YamlError):
        return []
    extends = data.get("extends") if isinstance(data, dict) else None
    return [str(item) for item in extends] if isinstance(extends, list) else []


def _load_pack_file(directory: Path, source: str, collect: _Collector) -> Pack | None:
    path = directory / PACK_FILE
    document = _read_yaml(path, collect)
    if document is None:
        return None
    problems = check_document(document, "pack.schema.json", str(path))
    if problems:
        collect.add(problems)
        return None
    data = cast(dict[str, Any], document.data)
    overrides = {
        control_id: Severity.parse(change["severity"])
        for control_id, change in data.get("overrides", {}).items()
        if "severity" in change
    }
    return Pack(
        name=data["name"],
        version=data["version"],
        description=data.get("description", ""),
        root=directory,
        source=source,
        digest=pack_digest(directory),
        extends=tuple(data.get("extends", [])),
        disable=tuple(data.get("disable", [])),
        severity_overrides=overrides,
    )


def control_files(pack_root: Path) -> Iterator[Path]:
    """Yield the control files of a pack, sorted; fixture folders are left out."""
    controls_root = pack_root / CONTROLS_DIR
    if not controls_root.is_dir():
        return
    for path in sorted(controls_root.rglob("*.yaml")):
        relative = path.relative_to(controls_root)
        if FIXTURES_DIR in relative.parts[:-1] or not path.is_file():
            continue
        yield path


def _load_controls(
    pack: Pack,
    taxonomy: Taxonomy,
    analyzers: Mapping[str, Mapping[str, Any]],
    collect: _Collector,
) -> Iterator[Control]:
    phase_ids = {phase.id for phase in taxonomy.phases}
    risk_ids = {risk.id for risk in taxonomy.risks}
    for path in control_files(pack.root):
        document = _read_yaml(path, collect)
        if document is None:
            continue
        problems = check_document(document, "control.schema.json", str(path))
        if problems:
            collect.add(problems)
            continue
        before = len(collect.errors)
        control = _build_control(document, path, pack, collect)
        _cross_check(control, document, path, phase_ids, risk_ids, analyzers, collect)
        if len(collect.errors) == before:
            yield control


def _build_control(document: Document, path: Path, pack: Pack, collect: _Collector) -> Control:
    data = cast(dict[str, Any], document.data)
    refs = data.get("references", {})
    severity = Severity.parse(data["severity"])
    remediation = data["remediation"].strip()
    meta = ControlMeta(
        id=data["id"],
        title=data["title"].strip(),
        severity=severity,
        phase=data["phase"],
        risks=tuple(data["risks"]),
        requirements=tuple(data["requirements"]),
        references=References(
            owasp_ml=tuple(refs.get("owasp-ml", [])),
            owasp_llm=tuple(refs.get("owasp-llm", [])),
            atlas=tuple(refs.get("atlas", [])),
            cwe=tuple(refs.get("cwe", [])),
            other=tuple(refs.get("other", [])),
        ),
        rationale=" ".join(data["rationale"].split()),
        remediation=remediation,
        fix=data.get("fix") or remediation.splitlines()[0].strip(),
        help_uri=data.get("help-uri"),
        pack=pack.name,
        source=path.relative_to(pack.root).as_posix(),
    )
    checks = tuple(
        _build_check(item, meta.id, document, index, path)
        for index, item in enumerate(data["checks"])
    )
    applies = data.get("applies-to")
    applies_to = None if applies is None else tuple(ArtifactKind(k) for k in applies)
    return Control(meta, applies_to, checks, path)


def _build_check(
    item: dict[str, Any], control_id: str, document: Document, index: int, path: Path
) -> Check:
    engine = item["engine"]
    mode = (
        CheckMode.ATTESTATION
        if engine == "attestation"
        else CheckMode(item.get("mode", "violation"))
    )
    position = document.positions.of(("checks", index))
    rule_position = document.positions.of_key(("checks", index, "rule"))
    default_message = "An attestation is required for this control"
    return Check(
        id=item["id"],
        control_id=control_id,
        engine=engine,
        mode=mode,
        kinds=tuple(ArtifactKind(k) for k in item.get("kinds", [])),
        message=" ".join(item.get("message", default_message).split()),
        found=item.get("found"),
        severity=Severity.parse(item["severity"]) if "severity" in item else None,
        include=tuple(item.get("include", [])),
        exclude=tuple(item.get("exclude", [])),
        rule=item.get("rule"),
        analyzer=item.get("analyzer"),
        params=cast(dict[str, JsonValue], item.get("params", {})),
        evidence=item.get("evidence"),
        line=position[0] if position else 1,
        file=str(path),
        rule_line=(rule_position or position or (1, 1))[0],
    )


def _cross_check(
    control: Control,
    document: Document,
    path: Path,
    phase_ids: set[str],
    risk_ids: set[str],
    analyzers: Mapping[str, Mapping[str, Any]],
    collect: _Collector,
) -> None:
    positions = document.positions
    meta = control.meta
    if meta.phase not in phase_ids:
        collect.error(
            f"unknown phase {meta.phase!r}",
            path,
            positions.of(("phase",)),
            hint="phases: " + ", ".join(sorted(phase_ids)),
        )
    for index, risk in enumerate(meta.risks):
        if risk not in risk_ids:
            collect.error(
                f"unknown risk code {risk!r}",
                path,
                positions.of(("risks", index)),
                hint="risk codes run R1-Security..R23-Security and R1-Privacy..R11-Privacy",
            )
    modes = {check.mode for check in control.checks}
    if CheckMode.ATTESTATION in modes and len(modes) > 1:
        collect.error(
            "an attestation control cannot also have file checks",
            path,
            positions.of(("checks",)),
            hint="split it into two controls",
        )
    if modes == {CheckMode.SCOPE}:
        collect.error(
            "a control needs a violation or evidence check besides its scope checks",
            path,
            positions.of(("checks",)),
        )
    for index, check in enumerate(control.checks):
        base = ("checks", index)
        if check.engine == "native":
            _check_analyzer(check, document, path, base, analyzers, collect)
        elif check.engine == "semgrep":
            _check_semgrep_rule(check, meta.severity, document, path, base, collect)


def _check_analyzer(
    check: Check,
    document: Document,
    path: Path,
    base: tuple[str | int, ...],
    analyzers: Mapping[str, Mapping[str, Any]],
    collect: _Collector,
) -> None:
    name = check.analyzer or ""
    if name not in analyzers:
        close = difflib.get_close_matches(name, list(analyzers), n=1)
        collect.error(
            f"unknown analyzer {name!r}",
            path,
            document.positions.of((*base, "analyzer")),
            hint=f"did you mean {close[0]!r}?"
            if close
            else "analyzers: " + ", ".join(sorted(analyzers)),
        )
        return
    schema = analyzers[name]
    validator = jsonschema.validators.validator_for(schema)(schema)
    collect.add(
        check_data(
            dict(check.params),
            validator,
            document,
            str(path),
            base=(*base, "params"),
            what=f"params of analyzer {name!r}",
        )
    )


def _check_semgrep_rule(
    check: Check,
    severity: Severity,
    document: Document,
    path: Path,
    base: tuple[str | int, ...],
    collect: _Collector,
) -> None:
    validator = semgrep_rule_validator()
    if validator is None:
        return
    rule = build_rule(check, severity)
    for error in validator.iter_errors({"rules": [rule]}):
        leaf = error
        if error.context:
            leaf = jsonschema.exceptions.best_match(error.context) or error
        inner = tuple(leaf.absolute_path)[2:]
        position = document.positions.of((*base, "rule", *inner))
        message = leaf.message
        if len(message) > 200:
            message = message[:200] + "..."
        collect.error(
            f"semgrep rejects this rule: {message}",
            path,
            position,
            hint="see https://semgrep.dev/docs/writing-rules/rule-syntax",
        )


def _register(
    control: Control,
    controls: dict[str, Control],
    check_owner: dict[str, Path],
    collect: _Collector,
) -> None:
    if control.id in controls:
        other = controls[control.id].path
        collect.error(
            f"duplicate control id {control.id!r} (also defined in {other})",
            control.path,
            (1, 1),
            hint="give it a new id, or disable/override the existing control in pack.yaml",
        )
        return
    for check in control.checks:
        if check.id in check_owner:
            collect.error(
                f"duplicate check id {check.id!r} (also used in {check_owner[check.id]})",
                control.path,
                (check.line, 1),
                hint="check ids are also semgrep rule ids and must be unique across all packs",
            )
        check_owner[check.id] = control.path
    controls[control.id] = control


def _apply_pack_settings(
    packs: Sequence[Pack], controls: dict[str, Control], collect: _Collector
) -> set[str]:
    disabled: set[str] = set()
    for pack in packs:
        for control_id in pack.disable:
            if control_id not in controls:
                collect.error(
                    f"'disable' names unknown control {control_id!r}", pack.root / PACK_FILE
                )
            disabled.add(control_id)
        for control_id, severity in pack.severity_overrides.items():
            if control_id not in controls:
                collect.error(
                    f"'overrides' names unknown control {control_id!r}", pack.root / PACK_FILE
                )
                continue
            _override_severity(controls, control_id, severity)
    return disabled


def _override_severity(controls: dict[str, Control], control_id: str, severity: Severity) -> None:
    control = controls[control_id]
    controls[control_id] = replace(control, meta=replace(control.meta, severity=severity))


def _read_yaml(path: Path, collect: _Collector) -> Document | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        collect.error(f"cannot read the file: {exc}", path)
        return None
    try:
        return load_single(text)
    except YamlError as exc:
        position = (exc.line, exc.column or 1) if exc.line else None
        collect.error(f"invalid YAML: {exc.message}", path, position)
        return None


def pack_digest(root: Path) -> str:
    """Return ``sha256:`` over the pack's policy files (fixture folders excluded), sorted."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if (
            not path.is_file()
            or FIXTURES_DIR in relative.parts[:-1]
            or "__pycache__" in relative.parts
        ):
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def _combine(digests: Sequence[str]) -> str:
    digest = hashlib.sha256("\n".join(digests).encode())
    return "sha256:" + digest.hexdigest()


def _by_id(control: Control) -> str:
    return control.id


def _sorted_errors(errors: Sequence[PolicyError]) -> list[PolicyError]:
    return sorted(errors, key=lambda e: (e.path, e.line or 0, e.column or 0, e.message))
