"""Models and datasets the code pulls from a hub: repository id, revision, remote code.

Python files and notebook code cells are parsed with ``ast`` (never imported). A call of a hub
loader (``from_pretrained``, ``pipeline(model=...)``, ``hf_hub_download``, ``snapshot_download``,
``SentenceTransformer``, ``load_dataset``) whose repository argument is a string literal, or a
module-level name bound to one, is a reference; so is a ``model:``-like key of a YAML config
whose value reads as ``owner/name``. A value naming a path inside the repository, or a call
with ``local_files_only=True``, is local and not a hub reference.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlsec_policy.analyzers.read.pysymbols import dotted, keyword, last_name, string_value
from mlsec_policy.bom.files import read_text, read_yaml
from mlsec_policy.models import Artifact, ArtifactKind, Inventory
from mlsec_policy.pyparse import syntax_tree
from mlsec_policy.views.base import View, ViewError
from mlsec_policy.views.notebook import notebook_view
from mlsec_policy.yamlpos import walk

REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
MODEL_CALLS = frozenset({"from_pretrained", "SentenceTransformer", "CrossEncoder"})
DOWNLOAD_CALLS = frozenset({"hf_hub_download", "snapshot_download"})
DATASET_CALLS = frozenset({"load_dataset"})
CONFIG_KEYS = frozenset(
    {
        "model",
        "model_id",
        "model_name",
        "model_name_or_path",
        "pretrained_model_name_or_path",
        "base_model",
        "tokenizer_name",
    }
)


@dataclass(frozen=True, slots=True)
class HubRef:
    """One place where code or a config names a hub model or dataset."""

    kind: str
    """``model`` or ``dataset``."""
    repo: str
    revision: str | None
    trust_remote_code: bool | None
    path: str
    line: int
    via: str
    """The call or config key that names it."""
    config: bool = False
    """Named in a configuration file (not code)."""

    def key(self) -> tuple[str, str, str, str, int, str]:
        """Return the sort key: kind, repository, revision, place, call."""
        return (self.kind, self.repo, self.revision or "", self.path, self.line, self.via)

    @property
    def pinned(self) -> bool:
        """Return True when the revision is a full commit hash."""
        return self.revision is not None and COMMIT.match(self.revision) is not None


def hub_refs(root: Path, inventory: Inventory) -> list[HubRef]:
    """Return every hub reference of the repository, sorted."""
    found: list[HubRef] = []
    local = {a.path for a in inventory.artifacts} | {
        str(PurePosixPath(a.path).parent) for a in inventory.artifacts
    }
    for artifact in inventory.artifacts:
        if artifact.kind in {ArtifactKind.PYTHON, ArtifactKind.NOTEBOOK}:
            found.extend(_code_refs(root, artifact, local))
        elif artifact.kind is ArtifactKind.CONFIG and artifact.path.endswith((".yaml", ".yml")):
            found.extend(_config_refs(root, artifact, local))
    return sorted(set(found), key=HubRef.key)


def parse_code(root: Path, artifact: Artifact) -> tuple[ast.Module, View] | None:
    """Return the syntax tree of a Python file or notebook's code and its view (lines)."""
    text = read_text(root / artifact.path)
    if text is None:
        return None
    view = View(text, artifact.path)
    if artifact.kind is ArtifactKind.NOTEBOOK:
        try:
            view = notebook_view(text, "notebook")
        except ViewError:
            return None
    try:
        return syntax_tree(view.text), view
    except (SyntaxError, ValueError):
        return None


def _code_refs(root: Path, artifact: Artifact, local: set[str]) -> Iterator[HubRef]:
    parsed = parse_code(root, artifact)
    if parsed is None:
        return
    tree, view = parsed
    constants = module_strings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            ref = _call_ref(node, constants, local)
            if ref is not None:
                kind, repo, via = ref
                yield HubRef(
                    kind,
                    repo,
                    text_of(keyword(node, "revision"), constants),
                    _flag(keyword(node, "trust_remote_code")),
                    artifact.path,
                    view.origin(node.lineno).line,
                    via,
                )


def module_strings(tree: ast.Module) -> dict[str, str]:
    """Return module-level names bound once to a string literal."""
    seen: dict[str, list[str | None]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                seen.setdefault(target.id, []).append(string_value(statement.value))
    return {name: values[0] for name, values in seen.items() if len(values) == 1 and values[0]}


def text_of(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    """Return a string literal, or the module constant a name is bound to."""
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return string_value(node)


def _flag(node: ast.expr | None) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def _call_ref(
    call: ast.Call, constants: dict[str, str], local: set[str]
) -> tuple[str, str, str] | None:
    name = last_name(call.func)
    first = call.args[0] if call.args else None
    if _flag(keyword(call, "local_files_only")) is True:
        return None
    if name in MODEL_CALLS:
        node = first or keyword(call, "pretrained_model_name_or_path") or keyword(call, "model")
        kind = "model"
    elif name == "pipeline":
        node = keyword(call, "model")
        kind = "model"
    elif name in DOWNLOAD_CALLS:
        node = first or keyword(call, "repo_id")
        kind = "dataset" if text_of(keyword(call, "repo_type"), constants) == "dataset" else "model"
    elif name in DATASET_CALLS:
        node = first or keyword(call, "path")
        kind = "dataset"
    else:
        return None
    repo = text_of(node, constants)
    if repo is None or not _is_hub_id(repo, local, kind):
        return None
    return kind, repo, dotted(call.func) or name


BUILDERS = frozenset(
    {"json", "csv", "parquet", "text", "arrow", "pandas", "sql", "xml", "generator",
     "imagefolder", "audiofolder", "videofolder", "webdataset"}
)  # fmt: skip
"""``load_dataset`` builders that read local or given files: not hub datasets."""
LOCAL_OWNERS = frozenset(
    {"models", "model", "checkpoints", "checkpoint", "ckpt", "output", "outputs", "saves",
     "save", "runs", "weights", "results", "tmp", "local", "data", "datasets", "cache"}
)  # fmt: skip
"""First path segments that name a folder of the machine, not a hub owner (``models/x``)."""


def _is_hub_id(value: str, local: set[str], kind: str) -> bool:
    """Return True when ``value`` reads as a hub repository id and names nothing local."""
    clean = value.strip().removeprefix("./")
    if clean in local or any(p.startswith(clean + "/") for p in local):
        return False
    if clean.lower() in BUILDERS or clean.split("/", 1)[0].lower() in LOCAL_OWNERS:
        return False
    if REPO_ID.match(clean):
        return True
    # canonical hub names without an owner (``gpt2``, ``imdb``): only bare, path-free words
    return kind == "dataset" and re.match(r"^[a-z][\w-]{1,60}$", clean) is not None


def _config_refs(root: Path, artifact: Artifact, local: set[str]) -> Iterator[HubRef]:
    for document in read_yaml(root / artifact.path) or []:
        for path, value in walk(document.data):
            if not path or not isinstance(value, str) or str(path[-1]) not in CONFIG_KEYS:
                continue
            if not REPO_ID.match(value) or not _is_hub_id(value, local, "model"):
                continue
            position = document.positions.of(path)
            siblings = _parent(document.data, path[:-1])
            revision = siblings.get("revision")
            trust = siblings.get("trust_remote_code")
            yield HubRef(
                "model",
                value,
                revision if isinstance(revision, str) else None,
                trust if isinstance(trust, bool) else None,
                artifact.path,
                position[0] if position else 1,
                str(path[-1]),
                config=True,
            )


def _parent(data: object, path: tuple[str | int, ...]) -> dict[str, object]:
    """Return the mapping at ``path`` inside ``data`` (empty when it is not a mapping)."""
    current = data
    for step in path:
        if isinstance(current, dict) and isinstance(step, str):
            current = current.get(step)
        elif isinstance(current, list) and isinstance(step, int) and step < len(current):
            current = current[step]
        else:
            return {}
    return current if isinstance(current, dict) else {}
