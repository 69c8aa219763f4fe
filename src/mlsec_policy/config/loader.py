"""Read ``.mlsec-policy.yml``: safe YAML, the JSON Schema, then checks a schema cannot make.

Every problem is a :class:`ConfigError` at ``file:line:column`` with a hint, collected before
anything is reported (exit code 2). Beyond the schema: dates must be real dates, a waiver may
not expire further ahead than ``waiver-max-days``, an attestation cannot be dated in the future
or expire before it was made, and each control has at most one attestation. Once the policy is
loaded, :func:`check_controls` makes sure every control id the file names exists, that waivers
name controls with findings to accept and attestations name attestation controls.
"""

from __future__ import annotations

import difflib
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

from mlsec_policy.config.model import (
    CONFIG_NAMES,
    DEFAULT_WAIVER_MAX_DAYS,
    ControlRef,
    RefRole,
    RepoConfig,
)
from mlsec_policy.errors import ConfigError, ConfigErrors, PolicyError
from mlsec_policy.models import Attestation, NonProduct, Severity, Waiver
from mlsec_policy.pathclass import PathClasses
from mlsec_policy.policy import BUILTIN, Policy
from mlsec_policy.policy.collect import resolves_inside
from mlsec_policy.schema_check import check_document
from mlsec_policy.yamlpos import Document, Path_, Positions, YamlError, load_documents

SCHEMA = "config.schema.json"


def find_config(target: Path) -> Path | None:
    """Return the configuration file at the root of ``target``, or None when there is none."""
    found = [target / name for name in CONFIG_NAMES if (target / name).is_file()]
    if len(found) > 1:
        raise ConfigErrors(
            [
                ConfigError(
                    f"both {CONFIG_NAMES[0]} and {CONFIG_NAMES[1]} exist",
                    path=str(found[1]),
                    hint="keep one configuration file",
                )
            ]
        )
    if found and not resolves_inside(found[0], target):
        raise ConfigErrors(
            [
                ConfigError(
                    "the configuration file links to a file outside the target; not read",
                    path=str(found[0]),
                    hint="replace the link with the file, or pass it with --config FILE",
                )
            ]
        )
    return found[0] if found else None


def load_config(path: Path, today: date, *, display: str | None = None) -> RepoConfig:
    """Read and validate the configuration file ``path`` as of ``today``."""
    name = display or str(path)
    document = _read(path, name)
    problems: list[PolicyError] = check_document(document, SCHEMA, name, error_type=ConfigError)
    if problems:
        raise ConfigErrors(problems)
    data = cast(dict[str, Any], document.data)
    reader = _Reader(document.positions, name, path.parent.resolve())
    paths = data.get("non-product", {})
    config = RepoConfig(
        path=path.resolve(),
        display=name,
        policies=tuple(reader.policy_source(p) for p in data.get("policies", [])),
        disable=tuple(data.get("disable", [])),
        severity_overrides={
            control_id: Severity.parse(change["severity"])
            for control_id, change in data.get("overrides", {}).items()
        },
        excludes=tuple(data.get("exclude", [])),
        fail_on=Severity.parse(data["fail-on"]) if "fail-on" in data else None,
        fail_on_attestation=data.get("fail-on-attestation"),
        inline_suppressions=data.get("inline-suppressions"),
        non_product=NonProduct(paths["mode"]) if "mode" in paths else None,
        path_classes=PathClasses(
            builtin=paths.get("builtin-rules", True),
            test=tuple(paths.get("test", [])),
            example=tuple(paths.get("example", [])),
            docs=tuple(paths.get("docs", [])),
            product=tuple(paths.get("product", [])),
        ),
        waiver_max_days=data.get("waiver-max-days", DEFAULT_WAIVER_MAX_DAYS),
        waivers=tuple(
            reader.waiver(index, item) for index, item in enumerate(data.get("waivers", []))
        ),
        attestations=tuple(
            reader.attestation(index, item)
            for index, item in enumerate(data.get("attestations", []))
        ),
        exclusions={
            framework: {rid: " ".join(text.split()) for rid, text in items.items()}
            for framework, items in data.get("exclusions", {}).items()
        },
        refs=reader.refs(data),
    )
    reader.check_dates(config, today)
    if reader.problems:
        raise ConfigErrors(sorted(reader.problems, key=lambda e: (e.line or 0, e.column or 0)))
    return config


def check_controls(config: RepoConfig, policy: Policy) -> None:
    """Raise :class:`ConfigErrors` when the file names controls the policy does not have.

    Also rejects a waiver on a control only an attestation can decide (it has no findings to
    accept: attest it) and an attestation for a control that files decide.
    """
    problems: list[PolicyError] = []
    for ref in config.refs:
        found = _control_problem(ref, policy)
        if found is not None:
            message, hint = found
            problems.append(
                ConfigError(
                    message, path=config.display, line=ref.line, column=ref.column, hint=hint
                )
            )
    if problems:
        raise ConfigErrors(problems)


def _control_problem(ref: ControlRef, policy: Policy) -> tuple[str, str] | None:
    """Return (message, hint) when ``ref`` names a control it cannot name, else None."""
    known = policy.known_ids()
    if ref.control_id not in known:
        close = difflib.get_close_matches(ref.control_id, sorted(known), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "list them: mlsec-policy validate"
        return f"{ref.role.value} names unknown control {ref.control_id!r}", hint
    enabled = {c.id: c for c in policy.controls}
    control = enabled.get(ref.control_id)
    if control is None:
        return None
    if ref.role is RefRole.WAIVER and control.is_attestation:
        return (
            f"{ref.control_id} is decided by an attestation; a waiver has nothing to accept",
            "record an attestation for it under 'attestations' instead",
        )
    if ref.role is RefRole.ATTESTATION and not control.is_attestation:
        return (
            f"{ref.control_id} is decided by checks on files, not by an attestation",
            "fix its findings, or accept them with a waiver",
        )
    return None


def _read(path: Path, name: str) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigErrors(
            [ConfigError("the configuration file does not exist", path=name)]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigErrors([ConfigError(f"cannot read the file: {exc}", path=name)]) from None
    try:
        documents = load_documents(text)
    except YamlError as exc:
        problem = ConfigError(
            f"invalid YAML: {exc.message}", path=name, line=exc.line, column=exc.column
        )
        raise ConfigErrors([problem]) from None
    if not documents or (len(documents) == 1 and documents[0].data is None):
        return Document({}, Positions(), 1)
    if len(documents) > 1:
        raise ConfigErrors(
            [
                ConfigError(
                    "expected one YAML document, found several",
                    path=name,
                    line=documents[1].start_line,
                )
            ]
        )
    return documents[0]


class _Reader:
    """Builds values from validated data, remembering where each came from."""

    def __init__(self, positions: Positions, name: str, base: Path) -> None:
        self.positions = positions
        self.name = name
        self.base = base
        self.problems: list[PolicyError] = []

    def where(self, path: Path_) -> tuple[int | None, int | None]:
        position = self.positions.of(path)
        return position if position else (None, None)

    def error(self, message: str, path: Path_, hint: str | None = None) -> None:
        line, column = self.where(path)
        self.problems.append(
            ConfigError(message, path=self.name, line=line, column=column, hint=hint)
        )

    def policy_source(self, source: str) -> str:
        if source == BUILTIN:
            return source
        return str((self.base / source).resolve())

    def waiver(self, index: int, item: dict[str, Any]) -> Waiver:
        line, _column = self.where(("waivers", index))
        return Waiver(
            control_id=item["control"],
            reason=" ".join(item["reason"].split()),
            approver=item["approver"].strip(),
            ticket=item["ticket"],
            expires=item["expires"],
            paths=tuple(item.get("paths", [])),
            id=item.get("id"),
            source=f"{self.name}:{line}" if line else self.name,
        )

    def attestation(self, index: int, item: dict[str, Any]) -> Attestation:
        note = item.get("note")
        return Attestation(
            control_id=item["control"],
            by=item["by"].strip(),
            date=item["date"],
            evidence=item["evidence"],
            expires=item["expires"],
            note=" ".join(note.split()) if note else None,
        )

    def refs(self, data: dict[str, Any]) -> tuple[ControlRef, ...]:
        refs: list[ControlRef] = []

        def add(control_id: str, role: RefRole, position: tuple[int, int] | None) -> None:
            line, column = position if position else (None, None)
            refs.append(ControlRef(control_id, role, line, column))

        for index, control_id in enumerate(data.get("disable", [])):
            add(control_id, RefRole.DISABLE, self.positions.of(("disable", index)))
        for control_id in data.get("overrides", {}):
            add(control_id, RefRole.OVERRIDE, self.positions.of_key(("overrides", control_id)))
        for index, item in enumerate(data.get("waivers", [])):
            add(item["control"], RefRole.WAIVER, self.positions.of(("waivers", index, "control")))
        for index, item in enumerate(data.get("attestations", [])):
            position = self.positions.of(("attestations", index, "control"))
            add(item["control"], RefRole.ATTESTATION, position)
        return tuple(refs)

    def check_dates(self, config: RepoConfig, today: date) -> None:
        latest = today + timedelta(days=config.waiver_max_days)
        for index, waiver in enumerate(config.waivers):
            expires = self.date(waiver.expires, ("waivers", index, "expires"))
            if expires is not None and expires > latest:
                self.error(
                    f"the waiver expires on {expires}, more than {config.waiver_max_days} days "
                    f"after today ({today})",
                    ("waivers", index, "expires"),
                    hint=f"set an expiry on or before {latest}; renew the waiver when it ends "
                    "(the limit is 'waiver-max-days')",
                )
        seen: dict[str, int] = {}
        for index, attestation in enumerate(config.attestations):
            made = self.date(attestation.date, ("attestations", index, "date"))
            ends = self.date(attestation.expires, ("attestations", index, "expires"))
            if made is not None and made > today:
                self.error(
                    f"the attestation is dated {made}, after today ({today})",
                    ("attestations", index, "date"),
                    hint="date it on the day the statement was made",
                )
            if made is not None and ends is not None and ends < made:
                self.error(
                    f"the attestation expires ({ends}) before it was made ({made})",
                    ("attestations", index, "expires"),
                )
            if attestation.control_id in seen:
                first = seen[attestation.control_id]
                line, _ = self.where(("attestations", first))
                self.error(
                    f"a second attestation for {attestation.control_id}",
                    ("attestations", index),
                    hint=f"keep only the current one (the first is at line {line})",
                )
            seen.setdefault(attestation.control_id, index)

    def date(self, text: str, path: Path_) -> date | None:
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.error(f"{text!r} is not a real date", path, hint="write it YYYY-MM-DD")
            return None
