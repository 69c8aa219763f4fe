"""Policy packs on disk: which directories, in which order, their pack.yaml and their files.

A pack is a directory with ``pack.yaml`` and a ``controls/`` folder. ``extends`` chains are
expanded so that each pack comes after the packs it builds on; a pack's ``disable`` and
``overrides`` apply after every pack is loaded; the digest names exactly the files used.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from mlsec_policy.errors import PolicyError
from mlsec_policy.models import Severity
from mlsec_policy.policy.collect import Collector, read_yaml
from mlsec_policy.policy.model import Control, Pack
from mlsec_policy.resources import policies_dir
from mlsec_policy.schema_check import check_document
from mlsec_policy.yamlpos import Document, YamlError, load_single

BUILTIN = "builtin"
"""The name that stands for the bundled pack in ``--policy`` and ``extends``."""


PACK_FILE = "pack.yaml"


CONTROLS_DIR = "controls"


FIXTURES_DIR = "tests"
"""Folders with this name under ``controls/`` hold fixtures, never controls."""


def resolve_sources(sources: Sequence[str], collect: Collector) -> list[tuple[Path, str]]:
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


def load_pack_file(
    directory: Path,
    source: str,
    collect: Collector,
    check: Callable[[Document, str, str], list[PolicyError]] = check_document,
) -> Pack | None:
    """Read and check one pack.yaml; return None (problems recorded) when it is invalid.

    ``check`` validates the document against its schema (see :func:`.taxonomy.load_taxonomy`).
    """
    path = directory / PACK_FILE
    document = read_yaml(path, collect, directory)
    if document is None:
        return None
    problems = check(document, "pack.schema.json", str(path))
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
    for path in _pack_files(controls_root, skip=(FIXTURES_DIR,)):
        if path.name.endswith(".yaml"):
            yield path


def _pack_files(root: Path, skip: tuple[str, ...]) -> list[Path]:
    """Return the files under ``root``, sorted as paths sort, never entering a ``skip`` folder.

    Fixture folders hold most of a pack's files (about 2,500 of the bundled pack's); they
    change no result, so the walk does not descend into them at all. Symlinked folders are not
    followed; a symlinked file counts as the file it names (as ``Path.is_file`` says).
    """
    found: list[tuple[tuple[str, ...], Path]] = []
    for current, folders, files in os.walk(root):
        folders[:] = [name for name in folders if name not in skip]
        here = Path(current)
        parts = here.relative_to(root).parts
        for name in files:
            path = here / name
            if path.is_file():
                found.append(((*parts, name), path))
    return [path for _parts, path in sorted(found)]


def apply_pack_settings(
    packs: Sequence[Pack], controls: dict[str, Control], collect: Collector
) -> set[str]:
    """Apply each pack's ``overrides``; return the controls its ``disable`` lists switch off."""
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
            controls[control_id] = controls[control_id].with_severity(severity)
    return disabled


def pack_digest(root: Path) -> str:
    """Return ``sha256:`` over the pack's policy files (fixture folders excluded), sorted."""
    digest = hashlib.sha256()
    for path in _pack_files(root, skip=(FIXTURES_DIR, "__pycache__")):
        relative = path.relative_to(root)
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def combine(digests: Sequence[str]) -> str:
    """Return the digest of the whole policy: ``sha256:`` over the packs' digests, in order."""
    digest = hashlib.sha256("\n".join(digests).encode())
    return "sha256:" + digest.hexdigest()
