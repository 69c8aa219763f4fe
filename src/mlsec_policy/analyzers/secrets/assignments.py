"""Literal values given to secret-named settings, read with each format's structure.

Token formats (:mod:`.tokens`) miss passwords and keys that have no recognisable shape.
Here the *name* says the value is secret, and the value must not be a literal:

- Dockerfile ``ENV``/``ARG`` (a build argument default or an environment value lands in the
  image layers and its history);
- Kubernetes ``kind: Secret`` ``data``/``stringData`` and container ``env[].value``, compose
  ``environment``, Helm ``values*.yaml`` (Helm templates are read through their YAML view);
- ``.env`` files (``.env.example``-style templates are left to the token detectors);
- ``name = "literal"`` assignments in Python, notebooks and other configuration.

References (``$VAR``, ``${VAR}``, ``{{ .Values.x }}``, ``os.environ[...]``), empty values and
placeholders are not reported.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.patterns.secrets import (
    CODE_SECRET_NAME,
    is_placeholder,
    literal_secret,
)
from mlsec_policy.analyzers.read.dockerfile import parse
from mlsec_policy.analyzers.read.notebook import NotebookError, read_notebook
from mlsec_policy.models import ArtifactKind, JsonValue, Location, Severity
from mlsec_policy.views.helm import PLACEHOLDER, helm_view
from mlsec_policy.yamlpos import Positions, YamlError, load_documents, walk

TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults", ".tmpl")
ASSIGNMENT = re.compile(
    r"""(?P<name>[A-Za-z_][\w.\-]*|["'][\w.\-]+["'])\s*(?:=|:|:=)\s*(?P<q>["'])(?P<value>[^"'\n]{8,200})(?P=q)"""
)
DOTENV = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][\w.]*)\s*=\s*(?P<value>.*?)\s*$")
_NAME_HINT = re.compile(
    r"passw|secret|api.?key|access.?key|private.?key|"
    r"(?:auth|access|api|bearer|refresh|session|hf|gh|github|gitlab|slack|bot|oauth).?token"
)
"""A fast, lower-case pre-filter for :data:`CODE_SECRET_NAME` (no look-behind, so it scans fast)."""
KINDS = frozenset(
    {
        ArtifactKind.PYTHON,
        ArtifactKind.NOTEBOOK,
        ArtifactKind.DOCKERFILE,
        ArtifactKind.KUBERNETES,
        ArtifactKind.COMPOSE,
        ArtifactKind.CONFIG,
        ArtifactKind.SHELL,
        ArtifactKind.CI_WORKFLOW,
    }
)


def secret_assignments(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield one observation per secret-named setting holding a literal value."""
    artifact = context.artifact
    name = PurePosixPath(artifact.path).name.lower()
    kind = artifact.kind
    if kind is ArtifactKind.DOCKERFILE:
        yield from _dockerfile(context)
    elif kind in {ArtifactKind.KUBERNETES, ArtifactKind.COMPOSE} or artifact.format in {
        "helm-values"
    }:
        yield from _yaml(context)
    elif name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        if not name.endswith(TEMPLATE_SUFFIXES):
            yield from _dotenv(context)
    elif kind is ArtifactKind.NOTEBOOK:
        yield from _notebook(context)
    elif kind in {ArtifactKind.PYTHON, ArtifactKind.CONFIG, ArtifactKind.SHELL} and not (
        name.endswith(TEMPLATE_SUFFIXES)
    ):
        yield from _generic(context.read_text().splitlines(), context.artifact.path)


def _finding(
    location: Location, name: str, what: str, severity: Severity = Severity.HIGH
) -> Observation:
    return Observation(
        location,
        message=f"{what} {name!r} is set to a literal value in the file; move it to a secret "
        "store or inject it at run time",
        severity=severity,
        snippet=f"{name}=****",
        key=name,
    )


def _dockerfile(context: FileContext) -> Iterator[Observation]:
    for instruction in parse(context.read_text()):
        if instruction.keyword not in {"ENV", "ARG"}:
            continue
        for name, value in _pairs(instruction.arguments, legacy=instruction.keyword == "ENV"):
            if literal_secret(name, value):
                what = "the build argument" if instruction.keyword == "ARG" else "the image env"
                yield _finding(context.at(instruction.line), name, what)


def _pairs(arguments: str, legacy: bool) -> Iterator[tuple[str, str]]:
    """Yield (name, value) pairs of ENV/ARG arguments (``K=V ...`` or legacy ``ENV K V``)."""
    words = arguments.split(None, 1)
    if not words:
        return
    if "=" not in words[0]:
        if legacy and len(words) == 2:
            yield words[0], words[1]
        return
    for match in re.finditer(r"""([\w.\-]+)=("[^"]*"|'[^']*'|\S*)""", arguments):
        yield match.group(1), match.group(2)


def _yaml(context: FileContext) -> Iterator[Observation]:
    text = context.read_text()
    if context.artifact.format == "helm-template":
        text = helm_view(text, "template.yaml").text
    try:
        documents = load_documents(text)
    except YamlError:
        return  # unparseable YAML is reported by the YAML-based controls
    for document in documents:
        data = document.data
        if isinstance(data, dict) and data.get("kind") == "Secret":
            yield from _secret_data(context, document.positions, data)
        for path, value in walk(data):
            if not isinstance(value, dict | list):
                continue
            for name, literal, where in _named_values(path, value):
                if literal_secret(name, literal):
                    line = (document.positions.of(where) or (1, 1))[0]
                    yield _finding(context.at(line), name, "the setting")


def _named_values(
    path: tuple[str | int, ...], value: dict[str, JsonValue] | list[JsonValue]
) -> Iterator[tuple[str, str, tuple[str | int, ...]]]:
    """Yield (name, literal, position path) for env entries, compose lists and mappings."""
    if isinstance(value, dict):
        if isinstance(value.get("name"), str) and isinstance(value.get("value"), str):
            yield str(value["name"]), str(value["value"]), (*path, "value")
        if path[-1:] in {("stringData",), ("data",)}:
            return  # Secret payloads are judged by _secret_data
        for key, item in value.items():
            if isinstance(item, str | int) and not isinstance(item, bool) and key != "value":
                yield key, str(item), (*path, key)
    elif path[-1:] == ("environment",):
        for index, item in enumerate(value):
            if isinstance(item, str) and "=" in item:
                key, _, literal = item.partition("=")
                yield key, literal, (*path, index)


def _secret_data(
    context: FileContext, positions: Positions, data: dict[str, JsonValue]
) -> Iterator[Observation]:
    for section in ("data", "stringData"):
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        for key, value in entries.items():
            if not isinstance(value, str) or not value.strip() or PLACEHOLDER in value:
                continue
            plain = _decode(value) if section == "data" else value
            if plain is None or is_placeholder(plain) or len(plain) < 4:
                continue
            line = (positions.of((section, key)) or (1, 1))[0]
            yield _finding(context.at(line), key, f"the Kubernetes Secret ({section}) key")


def _decode(value: str) -> str | None:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None


def _dotenv(context: FileContext) -> Iterator[Observation]:
    for number, line in enumerate(context.read_text().splitlines(), start=1):
        match = DOTENV.match(line)
        if match and not line.lstrip().startswith("#"):
            value = match.group("value").split(" #", 1)[0]
            if literal_secret(match.group("name"), value):
                yield _finding(context.at(number), match.group("name"), "the variable")


def _notebook(context: FileContext) -> Iterator[Observation]:
    try:
        cells = read_notebook(context.read_text())
    except NotebookError:
        return  # reported by the notebook controls; the token detectors read it as raw text
    for cell in cells:
        if cell.cell_type != "code":
            continue
        lines = [line.text for line in cell.source]
        for observation in _generic(lines, context.artifact.path):
            line = cell.source[(observation.location.start_line or 1) - 1]
            location = Location(context.artifact.path, line.raw_line, cell=line.cell)
            yield Observation(
                location,
                observation.message,
                observation.severity,
                observation.snippet,
                observation.key,
            )


def _generic(lines: Iterable[str], path: str) -> Iterator[Observation]:
    all_lines = list(lines)
    text = "\n".join(all_lines)
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    candidates = sorted(
        {bisect.bisect_right(starts, m.start()) for m in _NAME_HINT.finditer(text.lower())}
    )  # only lines naming a secret are worth the assignment pattern
    for number in candidates:
        line = all_lines[number - 1]
        if "allowlist secret" in line or not CODE_SECRET_NAME.search(line):
            continue
        for match in ASSIGNMENT.finditer(line):
            name = match.group("name").strip("\"'")
            if literal_secret(name, match.group("value"), 3.0, CODE_SECRET_NAME):
                yield _finding(Location(path, number), name, "the setting", Severity.MEDIUM)


SPEC = AnalyzerSpec(
    name="secret-assignments",
    description="Secret-named settings (ENV/ARG, Secret data, env values, .env) with literals.",
    kinds=KINDS,
    params=NO_PARAMS,
    file=secret_assignments,
)
