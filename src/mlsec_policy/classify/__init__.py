"""Decide what each file is — by name first, then by a peek at its first bytes.

Classification never parses a file: a short prefix is enough to tell a Kubernetes manifest
from a compose file, a pickle from a text file, a Python script without an extension from a
shell script. Model files are recognised by their content before their name, so a pickle
renamed to ``.txt``, ``.json`` or ``requirements.txt`` — including the ASCII pickles of
protocols 0 and 1, which have no magic bytes — is still treated as a model artifact. Zip files
are the one exception to the short peek: their member names decide what they are (see
:mod:`.archives`). A pickle that holds only data containers is told from a model pickle (see
:mod:`.pickles`), and a NumPy array of numbers is data (see :mod:`.arrays`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlsec_policy.classify.archives import (
    MEDIA,
    TEXT_DATA,
    ZipMembers,
    contents,
    model_layout,
    read_members,
)
from mlsec_policy.classify.arrays import NUMPY_MAGIC, array_format
from mlsec_policy.classify.pickles import WHOLE_PICKLE, pickle_format
from mlsec_policy.classify.pickles import looks_like_pickle as looks_like_pickle
from mlsec_policy.models import ArtifactKind
from mlsec_policy.textfile import looks_templated

PEEK_BYTES = 8192
"""How much of a file classification may read."""

MODEL_EXTENSIONS = frozenset(
    {
        ".pt",
        ".pth",
        ".ckpt",
        ".pkl",
        ".pickle",
        ".joblib",
        ".dill",
        ".npy",
        ".npz",
        ".h5",
        ".hdf5",
        ".keras",
        ".onnx",
        ".safetensors",
        ".gguf",
        ".ggml",
        ".pb",
        ".tflite",
        ".mar",
        ".msgpack",
        ".mlmodel",
        ".sav",
        ".pdparams",
        ".nemo",
        ".llamafile",
        ".torchscript",
        ".skops",
    }
)
AMBIGUOUS_MODEL_EXTENSIONS = frozenset({".bin", ".model", ".dat", ".weights", ".data"})
"""Extensions that hold models only sometimes: decided by content."""
TOKENIZER_NAMES = frozenset(
    {
        "tokenizer.json",
        "vocab.json",
        "merges.txt",
        "vocab.txt",
        "spiece.model",
        "sentencepiece.bpe.model",
        "tokenizer.model",
    }
)
DATA_EXTENSIONS = frozenset(
    {
        ".csv",
        ".tsv",
        ".parquet",
        ".jsonl",
        ".ndjson",
        ".arrow",
        ".feather",
        ".avro",
        ".orc",
        ".tfrecord",
        ".tfrecords",
        ".xlsx",
        ".xls",
        ".sqlite",
        ".db",
        ".psv",
    }
)
ZIPPED_DATA = DATA_EXTENSIONS | TEXT_DATA
"""Members that make a zip a dataset (see :mod:`.archives`)."""
DOC_EXTENSIONS = frozenset({".md", ".rst", ".adoc", ".txt", ".markdown"})
DOC_NAMES = frozenset(
    {"license", "licence", "readme", "codeowners", "notice", "authors", "changelog"}
)
CONFIG_EXTENSIONS = frozenset(
    {
        ".yaml",
        ".yml",
        ".json",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".env",
        ".properties",
        ".tf",
        ".tfvars",
        ".hcl",
        ".xml",
        ".pem",
        ".key",
        ".crt",
        ".p12",
        ".pfx",
        ".netrc",
    }
)
CONFIG_NAMES = frozenset(
    {
        ".env",
        ".netrc",
        ".npmrc",
        ".pypirc",
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        ".dockerignore",
        ".gitignore",
        ".gitattributes",
        ".semgrepignore",
        "makefile",
        "procfile",
    }
)
REQUIREMENTS = re.compile(r"^(.*requirements.*|constraints.*)\.(txt|in|pip)$", re.IGNORECASE)
LOCK_FILES = frozenset(
    {
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "pipfile.lock",
        "conda-lock.yml",
        "conda-lock.yaml",
        "pylock.toml",
    }
)
MANIFEST_NAMES = frozenset({"pyproject.toml", "setup.cfg", "pipfile"})
CONDA_ENV = re.compile(r"^(environment|conda[-_]?env|env)[\w.-]*\.ya?ml$", re.IGNORECASE)
COMPOSE = re.compile(r"^(docker-)?compose[\w.-]*\.ya?ml$", re.IGNORECASE)
DOCKERFILE = re.compile(
    r"^((?:[\w.-]+\.)?(dockerfile|containerfile)|(dockerfile|containerfile)([.-][\w.-]+)?)$",
    re.IGNORECASE,
)
K8S_API = re.compile(rb"^apiVersion\s*:", re.MULTILINE)
K8S_KIND = re.compile(rb"^kind\s*:", re.MULTILINE)
COMPOSE_SERVICES = re.compile(rb"^services\s*:", re.MULTILINE)
HELM_SIGNAL = re.compile(
    rb"\{\{-?\s*[^}]*(\.(Values|Release|Chart|Capabilities|Files|Template)\b"
    rb"|\b(include|template|define|toYaml|tpl)\b)"
)
"""What only a Helm chart's templates say (a CloudFormation or Ray config with {{ }} does not)."""
JINJA_STATEMENT = re.compile(rb"\{%-?\s")
ZIP_MAGIC = b"PK\x03\x04"
MODEL_MAGICS = (
    b"\x89HDF\r\n\x1a\n",  # HDF5 (Keras .h5)
    b"GGUF",
    b"\x93NUMPY",
)


@dataclass(frozen=True, slots=True)
class Classification:
    """The kind of a file and, where useful, its finer format."""

    kind: ArtifactKind
    format: str | None = None


def classify(path: str, head: bytes, members: ZipMembers | None = None) -> Classification:
    """Classify the file at relative POSIX ``path`` whose first bytes are ``head``.

    ``members`` are the member names (and first bytes) of a zip, when the file is one and they
    could be read; without them a zip is judged by its name and first local header.
    """
    pure = PurePosixPath(path)
    name = pure.name
    lower = name.lower()
    suffix = pure.suffix.lower()
    parts = [p.lower() for p in pure.parts[:-1]]

    if suffix not in DATA_EXTENSIONS:
        sniffed = sniff_model(head, members, lower)
        if sniffed == "npy-data":
            return Classification(ArtifactKind.DATA_FILE, "npy")
        if sniffed is not None:
            return Classification(ArtifactKind.MODEL_ARTIFACT, sniffed)
    if _is_archive_name(lower) and _looks_like_archive(head):
        zipped = members is not None and head.startswith(ZIP_MAGIC)
        held = contents(members, _model_like, ZIPPED_DATA) if members and zipped else None
        if held == "data":
            return Classification(ArtifactKind.DATA_FILE, "zip")
        if held == "media":
            return Classification(ArtifactKind.OTHER, "zip")
        return Classification(ArtifactKind.MODEL_ARTIFACT, "archive")
    by_name = _by_name(lower, suffix, parts, head)
    if by_name is not None:
        return by_name
    if suffix in {".yaml", ".yml"} or lower.endswith((".yaml.j2", ".yml.j2", ".yaml.tpl")):
        return _yaml_kind(lower, parts, head)
    if suffix in MODEL_EXTENSIONS:
        return Classification(ArtifactKind.MODEL_ARTIFACT, suffix.lstrip("."))
    if suffix in AMBIGUOUS_MODEL_EXTENSIONS and _looks_binary(head):
        return Classification(ArtifactKind.MODEL_ARTIFACT, suffix.lstrip("."))
    if suffix in DATA_EXTENSIONS:
        return Classification(ArtifactKind.DATA_FILE, suffix.lstrip("."))
    if suffix in CONFIG_EXTENSIONS:
        return Classification(ArtifactKind.CONFIG, suffix.lstrip("."))
    if suffix in DOC_EXTENSIONS or lower.split(".")[0] in DOC_NAMES:
        return Classification(ArtifactKind.DOCS)
    interpreter = _shebang(head)
    if interpreter is not None:
        if interpreter.startswith("python"):
            return Classification(ArtifactKind.PYTHON, "script")
        if interpreter in {"sh", "bash", "dash", "zsh", "ksh"}:
            return Classification(ArtifactKind.SHELL)
    return Classification(ArtifactKind.OTHER)


def classify_file(path: Path, relative: str, head: bytes, size: int) -> Classification:
    """Classify a file on disk: :func:`classify`, plus the reads a peek cannot replace.

    A zip's member names come from its central directory; a pickle larger than the peek but
    small enough is read whole to tell a data pickle from a model.
    """
    members = read_members(path) if head.startswith(ZIP_MAGIC) else None
    found = classify(relative, head, members)
    if found.format == "pickle" and PEEK_BYTES <= size <= WHOLE_PICKLE:
        with path.open("rb") as handle:
            whole = handle.read(WHOLE_PICKLE + 1)
        found = Classification(found.kind, pickle_format(whole, PurePosixPath(relative).name))
    return found


def _by_name(lower: str, suffix: str, parts: list[str], head: bytes) -> Classification | None:
    if suffix in {".py", ".pyw", ".pyi"}:
        return Classification(ArtifactKind.PYTHON)
    if suffix == ".ipynb":
        return Classification(ArtifactKind.NOTEBOOK)
    if suffix in {".sh", ".bash"}:
        return Classification(ArtifactKind.SHELL)
    if DOCKERFILE.match(lower) and suffix not in {".yaml", ".yml", ".md", ".txt", ".json"}:
        return Classification(ArtifactKind.DOCKERFILE)
    if lower in TOKENIZER_NAMES or lower.endswith((".tiktoken",)):
        return Classification(ArtifactKind.MODEL_ARTIFACT, "tokenizer")
    if REQUIREMENTS.match(lower) or (suffix in {".txt", ".in"} and "requirements" in parts):
        return Classification(ArtifactKind.DEPENDENCY_MANIFEST, "requirements")
    if lower in LOCK_FILES:
        return Classification(ArtifactKind.DEPENDENCY_MANIFEST, "lock")
    if lower in MANIFEST_NAMES:
        return Classification(ArtifactKind.DEPENDENCY_MANIFEST, lower.replace(".", "-"))
    if CONDA_ENV.match(lower) and b"dependencies" in head:
        return Classification(ArtifactKind.DEPENDENCY_MANIFEST, "conda")
    if lower == ".gitlab-ci.yml" or lower.endswith(".gitlab-ci.yml"):
        return Classification(ArtifactKind.CI_WORKFLOW, "gitlab-ci")
    if suffix in {".yml", ".yaml"} and parts[-2:] == [".github", "workflows"]:
        return Classification(ArtifactKind.CI_WORKFLOW, "github-actions")
    if lower in {"action.yml", "action.yaml"} and b"runs:" in head:
        return Classification(ArtifactKind.CI_WORKFLOW, "github-action")
    if lower in {"azure-pipelines.yml", "bitbucket-pipelines.yml", "jenkinsfile", ".travis.yml"}:
        return Classification(ArtifactKind.CI_WORKFLOW, lower.split(".")[0])
    if parts[-1:] == [".circleci"] and suffix in {".yml", ".yaml"}:
        return Classification(ArtifactKind.CI_WORKFLOW, "circleci")
    if lower == ".pre-commit-config.yaml":
        return Classification(ArtifactKind.CONFIG, "pre-commit")
    if COMPOSE.match(lower):
        return Classification(ArtifactKind.COMPOSE)
    if parts[-1:] == [".dvc"] and lower in {"config", "config.local"}:  # DVC's remotes (INI)
        return Classification(ArtifactKind.CONFIG, "dvc-config")
    if lower in CONFIG_NAMES or lower.startswith(".env."):
        return Classification(ArtifactKind.CONFIG, lower.lstrip("."))
    return None


def _yaml_kind(lower: str, parts: list[str], head: bytes) -> Classification:
    in_chart_templates = "templates" in parts
    jinja = JINJA_STATEMENT.search(head) is not None
    helm = not jinja and looks_templated(head.decode("utf-8", "replace"))
    if K8S_API.search(head) and K8S_KIND.search(head):
        fmt = "jinja-template" if jinja else "helm-template" if helm else "manifest"
        return Classification(ArtifactKind.KUBERNETES, fmt)
    if in_chart_templates and helm and HELM_SIGNAL.search(head):
        return Classification(ArtifactKind.KUBERNETES, "helm-template")
    if COMPOSE_SERVICES.search(head) and (b"image:" in head or b"build:" in head):
        return Classification(ArtifactKind.COMPOSE)
    if lower in {"chart.yaml", "chart.yml"}:
        return Classification(ArtifactKind.CONFIG, "helm-chart")
    if lower.startswith("values") and any(p in {"charts", "chart", "helm"} for p in parts):
        return Classification(ArtifactKind.CONFIG, "helm-values")
    return Classification(ArtifactKind.CONFIG, "yaml")


def sniff_model(head: bytes, members: ZipMembers | None = None, name: str = "") -> str | None:
    """Return a model format name when the first bytes (and a zip's members) say so, else None.

    A pickle is ``pickle``, or ``data-pickle`` when the whole file is in ``head``, holds only
    data containers and its ``name`` does not call it a model (:mod:`.pickles`); a NumPy
    array of numbers is ``npy-data`` (:mod:`.arrays`).
    """
    if head.startswith(ZIP_MAGIC):
        if members is not None:
            return model_layout(members.names)
        window = head[:PEEK_BYTES]
        if b"data.pkl" in window or b"/data/" in window or b"version" in window[:200]:
            return "pytorch-zip"
        if b"config.json" in window and (b"model.weights" in window or b"metadata.json" in window):
            return "keras"
        return None
    for magic in MODEL_MAGICS:
        if head.startswith(magic):
            if magic == NUMPY_MAGIC:
                return array_format(head, name)
            return {b"GGUF": "gguf"}.get(magic, "hdf5")
    if looks_like_pickle(head):
        return pickle_format(head, name) if len(head) < PEEK_BYTES else "pickle"
    if len(head) >= 16 and looks_like_safetensors(head):
        return "safetensors"
    return None


def looks_like_safetensors(head: bytes) -> bool:
    """Return True when the bytes start like a safetensors file (size, then a JSON object)."""
    if len(head) < 10:
        return False
    size = int.from_bytes(head[:8], "little")
    return 2 <= size < 100_000_000 and head[8:10] in {b'{"', b"{ ", b"{\n", b"{}"}


ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz", ".7z", ".mar")
"""Archives: scanned for model files inside them, whatever else they hold."""


def _is_archive_name(lower: str) -> bool:
    return lower.endswith(ARCHIVE_SUFFIXES)


def _looks_like_archive(head: bytes) -> bool:
    return (
        head.startswith((ZIP_MAGIC, b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf"))
        or head[257:262] == b"ustar"
    )


def _model_like(name: str, head: bytes | None) -> bool:
    """Return True when a zip member is, or may be, a model (see :func:`.archives.contents`)."""
    lower = name.lower()
    suffix = PurePosixPath(lower).suffix
    if (
        suffix in MODEL_EXTENSIONS
        or suffix in AMBIGUOUS_MODEL_EXTENSIONS
        or _is_archive_name(lower)
    ):
        return True
    if head is not None and (sniff_model(head) is not None or _looks_like_archive(head)):
        return True
    return suffix not in MEDIA and suffix not in ZIPPED_DATA


def _looks_binary(head: bytes) -> bool:
    return b"\0" in head[:1024]


def _shebang(head: bytes) -> str | None:
    """Return the interpreter a ``#!`` line names (``python3``, ``bash``), or None."""
    if not head.startswith(b"#!"):
        return None
    words = head.split(b"\n", 1)[0][2:].decode("ascii", "replace").split()
    if not words:
        return None
    program = words[0].rsplit("/", 1)[-1]
    if program == "env":
        rest = [w for w in words[1:] if not w.startswith("-")]
        program = rest[0] if rest else ""
    return program or None
