"""Read dependency manifests into one shape: requirements with lines, and index options.

Formats: pip requirements files (options, ``-r``/``-c`` includes resolved inside the target,
``--hash``, line continuations), ``pyproject.toml`` (PEP 621 and Poetry, read with tomllib),
``setup.cfg`` (configparser), ``Pipfile``, conda ``environment.yml`` (with its ``pip:``
section) and the lock files' package versions. Nothing is resolved, fetched or executed.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath

from packaging.specifiers import SpecifierSet

from mlsec_policy.analyzers.read.paths import TextOf, join, text_of
from mlsec_policy.analyzers.read.requirements import (
    Spec,
    SpecKind,
    normalise,
    parse_spec,
    specifier,
)
from mlsec_policy.yamlpos import YamlError, load_single

MAX_INCLUDE_DEPTH = 10


class Role(StrEnum):
    """What a manifest declares."""

    ENVIRONMENT = "environment"
    """What gets installed to run or deploy (requirements, Pipfile, conda, app pyprojects)."""
    LIBRARY = "library"
    """What a published package accepts (PEP 621 / setup.cfg / Poetry package metadata)."""
    INPUT = "input"
    """Input to a lock compiler (``requirements.in``)."""
    LOCK = "lock"


@dataclass(frozen=True, slots=True)
class Entry:
    """One declared requirement."""

    spec: Spec
    line: int
    hashed: bool = False
    path: str = ""
    """The manifest it was read from (an included file, for ``-r`` includes)."""


@dataclass(frozen=True, slots=True)
class Option:
    """An installer option or a package source (``--extra-index-url``, a Poetry source...)."""

    name: str
    value: str
    line: int
    path: str = ""
    insecure: bool = False
    """The source turns off TLS verification (``verify_ssl = false``, ``--trusted-host``)."""


@dataclass
class Manifest:
    """Everything read from one manifest."""

    path: str
    role: Role
    entries: list[Entry] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(line, what could not be read)."""


def read_manifest(root: Path | TextOf, path: str, text: str) -> Manifest | None:
    """Parse the manifest at ``path`` (``root``: the scanned root or a reader of its files)."""
    name = PurePosixPath(path).name.lower()
    if name == "pyproject.toml":
        return _pyproject(path, text)
    if name == "setup.cfg":
        return _setup_cfg(path, text)
    if name == "pipfile":
        return _pipfile(path, text)
    if name in {"poetry.lock", "uv.lock", "pdm.lock", "pylock.toml"}:
        return _toml_lock(path, text)
    if name.endswith((".yml", ".yaml")):
        return _conda(path, text)
    if name.endswith((".txt", ".in", ".pip")):
        return read_requirements(root, path, text)
    return None


def read_requirements(root: Path | TextOf, path: str, text: str) -> Manifest:
    """Parse ``path`` as a pip requirements file, whatever its name (``pip install -r``)."""
    role = Role.INPUT if path.lower().endswith(".in") else Role.ENVIRONMENT
    manifest = Manifest(path, role)
    _requirements(text_of(root), path, text, manifest, set())
    return manifest


def line_of(text: str, *needles: str) -> int:
    """Return the 1-based line of the first needle found in ``text`` (1 when none is)."""
    for needle in needles:
        position = text.find(needle)
        if position >= 0:
            return text.count("\n", 0, position + (1 if needle.startswith("\n") else 0)) + 1
    return 1


_OPTION = re.compile(r"^(?P<name>--?[a-z][a-z-]*)(?:[ =]+(?P<value>\S+))?")


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (first line number, joined line) with comments removed and continuations joined."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined = (pending + line).strip()
        pending = ""
        if joined:
            yield start, joined
    if pending.strip():
        yield start, pending.strip()


def _requirements(root: TextOf, path: str, text: str, manifest: Manifest, seen: set[str]) -> None:
    seen.add(path)
    for number, line in _logical_lines(text):
        if line.startswith("-"):
            option = _OPTION.match(line)
            if option is None:
                continue
            name, value = option.group("name"), option.group("value") or ""
            if name in {"-r", "--requirement", "-c", "--constraint"}:
                _include(root, path, number, value, manifest, seen)
            elif name in {"-e", "--editable"}:
                spec = parse_spec(value)
                if spec is not None:
                    manifest.entries.append(Entry(spec, number, path=path))
            else:
                insecure = name == "--trusted-host"
                manifest.options.append(Option(name, value, number, path, insecure))
            continue
        requirement, _, rest = line.partition(" --")
        spec = parse_spec(requirement)
        if spec is None:
            manifest.problems.append((number, f"cannot read requirement {requirement[:80]!r}"))
            continue
        hashed = "hash=" in rest or "--hash" in line
        manifest.entries.append(Entry(spec, number, hashed, path))


def _include(
    root: TextOf, path: str, number: int, value: str, manifest: Manifest, seen: set[str]
) -> None:
    if value.startswith(("http://", "https://")):
        manifest.options.append(Option("-r", value, number, path))
        return
    target = join(str(PurePosixPath(path).parent), value)
    text = root(target)
    if text is None:
        manifest.problems.append((number, f"the included file {value} is not in the target"))
        return
    if target in seen or len(seen) > MAX_INCLUDE_DEPTH:
        return
    _requirements(root, target, text, manifest, seen)


def _load_toml(path: str, text: str, manifest: Manifest) -> dict[str, object] | None:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:  # tomllib recurses into arrays
        problem = exc if isinstance(exc, tomllib.TOMLDecodeError) else "nested too deeply to read"
        manifest.problems.append((getattr(exc, "lineno", 1) or 1, f"invalid TOML: {problem}"))
        return None


def _pyproject(path: str, text: str) -> Manifest:
    manifest = Manifest(path, Role.LIBRARY)
    data = _load_toml(path, text, manifest)
    if data is None:
        return manifest
    project = _table(data.get("project"))
    tool = _table(data.get("tool"))
    poetry, uv = _table(tool.get("poetry")), _table(tool.get("uv"))
    if poetry.get("package-mode") is False or uv.get("package") is False:
        manifest.role = Role.ENVIRONMENT
    for requirement in _strings(project.get("dependencies")):
        _add(manifest, text, requirement)
    for group in _table(project.get("optional-dependencies")).values():
        for requirement in _strings(group):
            _add(manifest, text, requirement)
    sections = [_table(poetry.get("dependencies")), _table(poetry.get("dev-dependencies"))]
    sections += [
        _table(_table(g).get("dependencies")) for g in _table(poetry.get("group")).values()
    ]
    for section in sections:
        for name, value in section.items():
            if normalise(name) != "python":
                _add_poetry(manifest, text, name, value)
    for source in _list(poetry.get("source")) + _list(uv.get("index")):
        url = str(_table(source).get("url", ""))
        if url:
            manifest.options.append(Option("source", url, line_of(text, url), path))
    for name, source in _table(uv.get("sources")).items():
        _add_poetry(manifest, text, name, source)
    return manifest


def _add(manifest: Manifest, text: str, requirement: str) -> None:
    spec = parse_spec(requirement)
    line = line_of(text, f'"{requirement}"', f"'{requirement}'", requirement)
    if spec is None:
        manifest.problems.append((line, f"cannot read requirement {requirement[:80]!r}"))
    else:
        manifest.entries.append(Entry(spec, line, path=manifest.path))


def _add_poetry(manifest: Manifest, text: str, name: str, value: object) -> None:
    """Translate a Poetry/Pipfile/uv table entry into a requirement."""
    line = line_of(text, f"\n{name} =", f"\n{name}=", f'"{name}"', name)
    table = _table(value) if isinstance(value, dict) else {"version": value}
    for vcs in ("git", "hg", "svn"):
        if vcs in table:
            ref = table.get("rev") or table.get("ref") or table.get("tag") or table.get("branch")
            url = f"{vcs}+{table[vcs]}" + (f"@{ref}" if ref else "")
            manifest.entries.append(
                Entry(
                    Spec(url, normalise(name), SpecKind.VCS, SpecifierSet(), url),
                    line,
                    path=manifest.path,
                )
            )
            return
    if "url" in table:
        url = str(table["url"])
        manifest.entries.append(
            Entry(
                Spec(url, normalise(name), SpecKind.URL, SpecifierSet(), url),
                line,
                path=manifest.path,
            )
        )
        return
    if "path" in table:
        return
    version = str(table.get("version", "*")).strip()
    specifiers = _poetry_specifier(version)
    if specifiers is None:
        manifest.problems.append((line, f"cannot read the version {version!r} of {name}"))
        return
    spec = Spec(f"{name} {version}", normalise(name), SpecKind.INDEX, specifiers)
    manifest.entries.append(Entry(spec, line, path=manifest.path))


def _poetry_specifier(version: str) -> SpecifierSet | None:
    """Turn Poetry's ``^1.2`` / ``~1.2`` / ``1.2.3`` / ``*`` into a PEP 440 specifier set."""
    if version in {"", "*"}:
        return SpecifierSet()
    parts = []
    for piece in version.split(","):
        piece = piece.strip()
        if piece.startswith("^") or (piece.startswith("~") and not piece.startswith("~=")):
            base = piece.lstrip("^~").strip()
            parts += [f">={base}", f"<{_next_major(base)}"]
        elif piece[:1].isdigit():
            parts.append(f"=={piece}")
        else:
            parts.append(piece)
    return specifier(",".join(parts))


def _next_major(version: str) -> str:  # int() refuses "²" (a digit to isdigit) and 5,000 digits
    head = version.split(".")[0]
    return str(int(head) + 1) if head.isascii() and head.isdigit() and len(head) < 19 else "999"


def _setup_cfg(path: str, text: str) -> Manifest:
    manifest = Manifest(path, Role.LIBRARY)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        manifest.problems.append((getattr(exc, "lineno", 1) or 1, f"invalid setup.cfg: {exc}"))
        return manifest
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values += [v for _, v in parser.items("options.extras_require")]
    for value in values:
        for requirement in value.splitlines():
            requirement = requirement.split("#", 1)[0].strip()
            if requirement:
                _add(manifest, text, requirement)
    return manifest


def _pipfile(path: str, text: str) -> Manifest:
    manifest = Manifest(path, Role.ENVIRONMENT)
    data = _load_toml(path, text, manifest)
    if data is None:
        return manifest
    for section in ("packages", "dev-packages"):
        for name, value in _table(data.get(section)).items():
            if isinstance(value, dict) and "editable" in value and "path" in value:
                continue
            _add_poetry(manifest, text, name, value)
    for source in _list(data.get("source")):
        table = _table(source)
        url = str(table.get("url", ""))
        insecure = table.get("verify_ssl") is False
        manifest.options.append(Option("source", url, line_of(text, url), path, insecure))
    return manifest


def _toml_lock(path: str, text: str) -> Manifest:
    manifest = Manifest(path, Role.LOCK)
    data = _load_toml(path, text, manifest)
    for package in _list((data or {}).get("package")) + _list((data or {}).get("packages")):
        table = _table(package)
        name, version = table.get("name"), table.get("version")
        if isinstance(name, str) and isinstance(version, str):
            line = line_of(text, f'name = "{name}"')
            pinned = specifier(f"=={version}")
            if pinned is None:  # not a PEP 440 version: a problem of the lock, not a crash
                manifest.problems.append((line, f"cannot read the version {version[:80]!r}"))
            else:
                spec = Spec(f"{name}=={version}", normalise(name), SpecKind.INDEX, pinned)
                manifest.entries.append(Entry(spec, line, path=path))
    return manifest


def _conda(path: str, text: str) -> Manifest | None:
    manifest = Manifest(path, Role.ENVIRONMENT)
    try:
        document = load_single(text)
    except YamlError as exc:
        manifest.problems.append((exc.line or 1, f"invalid YAML: {exc.message}"))
        return manifest
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("dependencies"), list):
        return None
    for index, channel in enumerate(_strings(data.get("channels"))):
        line = (document.positions.of(("channels", index)) or (1, 1))[0]
        manifest.options.append(Option("channel", channel, line, path))
    for index, item in enumerate(_list(data["dependencies"])):
        line = (document.positions.of(("dependencies", index)) or (1, 1))[0]
        if isinstance(item, str):
            _conda_entry(manifest, item, line)
        elif isinstance(item, dict) and isinstance(item.get("pip"), list):
            for position, requirement in enumerate(_list(item["pip"])):
                pip_line = (
                    document.positions.of(("dependencies", index, "pip", position)) or (line, 1)
                )[0]
                if isinstance(requirement, str) and not requirement.startswith("-"):
                    spec = parse_spec(requirement)
                    if spec is not None:
                        manifest.entries.append(Entry(spec, pip_line, path=path))
    return manifest


def _conda_entry(manifest: Manifest, item: str, line: int) -> None:
    match = re.match(r"^(?:[\w.-]+::)?(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<rest>.*)$", item.strip())
    if match is None:
        return
    name, rest = match.group("name"), match.group("rest").strip()
    if normalise(name) in {"python", "pip"}:
        return
    if rest.startswith("=") and not rest.startswith("=="):
        version, _, build = rest[1:].partition("=")
        exact = bool(build) or version.count(".") >= 2
        rest = f"=={version}" if exact else f"=={version}.*"
    specifiers = specifier(rest.replace(" ", "")) or SpecifierSet()
    manifest.entries.append(
        Entry(Spec(item, normalise(name), SpecKind.INDEX, specifiers), line, path=manifest.path)
    )


def _table(value: object) -> Mapping[str, object]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    return [v for v in _list(value) if isinstance(v, str)]
