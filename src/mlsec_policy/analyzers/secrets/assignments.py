"""Literal values given to secret-named settings, read with each format's structure.

Token formats (:mod:`.tokens`) miss passwords and keys that have no recognisable shape.
Here the *name* says the value is secret, and the value must not be a literal:

- Dockerfile ``ENV``/``ARG`` (a build argument default or an environment value lands in the
  image layers and its history);
- Kubernetes ``kind: Secret`` ``data``/``stringData`` and container ``env[].value``, compose
  ``environment``, Helm ``values*.yaml`` (Helm templates are read through their YAML view), CI
  workflow ``env:`` maps and step inputs;
- ``.env`` files (``.env.example``-style templates are left to the token detectors), INI,
  TOML, YAML, JSON, properties and shell files, line by line (:mod:`.config_settings`);
- Python and notebook code: assignments, dataclass fields, keyword arguments, function and
  argparse defaults, ``os.getenv``/``os.environ.get`` fallbacks (:mod:`.code_settings`);
  ``NAME=value`` lines printed in notebook outputs.

References (``$VAR``, ``${VAR}``, ``{{ .Values.x }}``, ``os.environ[...]``), empty values and
placeholders are not reported.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.patterns.secret_names import words
from mlsec_policy.analyzers.patterns.secret_settings import literal_secret
from mlsec_policy.analyzers.patterns.secret_values import is_placeholder
from mlsec_policy.analyzers.read.dockerfile import parse
from mlsec_policy.analyzers.read.notebook import NotebookError, read_notebook
from mlsec_policy.analyzers.secrets.code_settings import code_settings
from mlsec_policy.analyzers.secrets.config_settings import config_settings, is_dotenv, is_template
from mlsec_policy.models import ArtifactKind, JsonValue, Location, Severity
from mlsec_policy.views.helm import PLACEHOLDER, helm_view
from mlsec_policy.yamlpos import Positions, YamlError, load_documents, walk

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
_STRUCTURED = frozenset({ArtifactKind.KUBERNETES, ArtifactKind.COMPOSE, ArtifactKind.CI_WORKFLOW})
_ABOUT_A_SERVICE = frozenset(
    {"url", "uri", "endpoint", "host", "hostname", "port", "region", "bucket", "user",
     "username", "email", "name", "database", "db", "schema", "path", "dir"}
)  # fmt: skip
"""Words of a ``kind: Secret`` key that holds where a service is, not how to log in to it."""


def secret_assignments(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield one observation per secret-named setting holding a literal value."""
    artifact = context.artifact
    name = PurePosixPath(artifact.path).name.lower()
    kind = artifact.kind
    template = is_template(name)
    if kind is ArtifactKind.DOCKERFILE:
        yield from _dockerfile(context)
    elif kind in _STRUCTURED or artifact.format == "helm-values":
        yield from _yaml(context)
    elif is_dotenv(name):
        if not template:
            yield from _config(context, "the variable", Severity.HIGH)
    elif kind is ArtifactKind.NOTEBOOK:
        yield from _notebook(context)
    elif kind is ArtifactKind.PYTHON:
        for setting in code_settings(context.read_text().splitlines()):
            yield _finding(context.at(setting.line), setting.name, "the setting", Severity.MEDIUM)
    elif kind in {ArtifactKind.CONFIG, ArtifactKind.SHELL} and not template:
        yield from _config(context, "the setting", Severity.MEDIUM)


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


def _config(context: FileContext, what: str, severity: Severity) -> Iterator[Observation]:
    lines = context.read_text().splitlines()
    for setting in config_settings(lines, json=context.artifact.format == "json"):
        yield _finding(context.at(setting.line), setting.name, what, severity)


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
    words_ = arguments.split(None, 1)
    if not words_:
        return
    if "=" not in words_[0]:
        if legacy and len(words_) == 2:
            yield words_[0], words_[1]
        return
    for match in re.finditer(r"""([\w.\-]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)""", arguments):
        value = match.group(2)
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\$", "$")
        yield match.group(1), value


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
            if _about_a_service(key, plain):
                continue
            line = (positions.of((section, key)) or (1, 1))[0]
            yield _finding(context.at(line), key, f"the Kubernetes Secret ({section}) key")


def _about_a_service(key: str, value: str) -> bool:
    """Return True for a Secret entry that says where a service is, not how to log in.

    ``S3_ENDPOINT_URL: http://minio…`` is configuration kept next to the credentials; a URL
    with a password in it is a credential.
    """
    if re.match(r"[A-Za-z][\w+.\-]*://", value):
        authority = value.split("://", 1)[1].split("/", 1)[0]
        return "@" not in authority
    named = set(words(key))
    return bool(named & _ABOUT_A_SERVICE) and not named & {"password", "secret", "token", "key"}


def _decode(value: str) -> str | None:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None


def _notebook(context: FileContext) -> Iterator[Observation]:
    try:
        cells = read_notebook(context.read_text())
    except NotebookError:
        return  # reported by the notebook controls; the token detectors read it as raw text
    for cell in cells:
        if cell.cell_type != "code":
            continue
        source = list(cell.source)
        for setting in code_settings([line.text for line in source]):
            line = source[setting.line - 1]
            location = Location(context.artifact.path, line.raw_line, cell=line.cell)
            yield _finding(location, setting.name, "the setting", Severity.MEDIUM)
        printed = [line for output in cell.outputs for line in output.lines]
        for setting in config_settings(line.text for line in printed):
            line = printed[setting.line - 1]
            location = Location(context.artifact.path, line.raw_line, cell=line.cell)
            yield _finding(location, setting.name, "a printed setting", Severity.MEDIUM)


SPEC = AnalyzerSpec(
    name="secret-assignments",
    description="Secret-named settings (code, configs, ENV/ARG, Secret data, env blocks, .env).",
    kinds=KINDS,
    params=NO_PARAMS,
    file=secret_assignments,
)
