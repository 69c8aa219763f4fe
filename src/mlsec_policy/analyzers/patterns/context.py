"""What a piece of code handles — data, a model or a client's request — told by its words.

One table for every engine: the same call mitigates different risks by what it touches
(unpickling a dataset cache is a data-storage risk, unpickling a checkpoint a model-storage
one), and a check that declares ``contexts`` gets its finding's risk codes from the context
recognised here. The evidence is read from the most specific place to the least: the call's
own name (``pd.read_pickle`` reads data), the matched code (the loaded path, the variables and
arguments, then its file extension), the name of the function around it, then the file's path.
The first place that names exactly one context decides (names before file extensions:
``cache/features.pt`` is data); a place naming both data and a model decides nothing, and when
no place decides, the context is unknown (the control's risk codes apply). A request word
outranks the others at the same place: ``pickle.loads(request.data)`` handles what a client
sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DATA = "data"
MODEL = "model"
REQUEST = "request"

DATA_WORDS = frozenset(
    {
        "dataset", "datasets", "data", "cache", "cached", "caches", "feature", "features",
        "corpus", "samples", "records", "labels", "annotations", "df", "dataframe",
        "frame", "table", "rows", "embeddings", "vectors", "split", "splits", "batch",
        "batches", "shard", "examples", "preprocessed", "processed", "tokenized", "arrays",
        "array", "inputs", "targets", "xtrain", "ytrain", "xtest", "ytest", "traindata",
    }
)  # fmt: skip
"""Words of names that hold datasets, caches and features."""
MODEL_WORDS = frozenset(
    {
        "model", "models", "checkpoint", "checkpoints", "ckpt", "ckpts", "weights", "weight",
        "statedict", "classifier", "clf", "estimator", "regressor", "net",
        "network", "encoder", "decoder", "tokenizer", "vectorizer", "scaler",
        "booster", "pretrained", "finetuned", "lora", "adapter", "snapshot",
    }
)  # fmt: skip
"""Words of names that hold trained models and their weights."""
REQUEST_WORDS = frozenset(
    {"request", "req", "upload", "uploaded", "uploads", "payload", "body", "form", "userinput"}
)
"""Words of names that hold what a client sent."""
DATA_EXTENSIONS = frozenset(
    {"npy", "npz", "csv", "tsv", "parquet", "feather", "arrow", "jsonl", "tfrecord", "pq", "h5ad"}
)
MODEL_EXTENSIONS = frozenset(
    {"pt", "pth", "ckpt", "bin", "h5", "hdf5", "keras", "onnx", "safetensors", "pb", "mar"}
)
DATA_CALLS = re.compile(r"\b(?:read_pickle|read_csv|read_parquet|load_dataset|read_feather)\s*\(")
"""Calls that read data whatever their arguments are named."""
MODEL_CALLS = re.compile(r"\b(?:load_state_dict|from_pretrained|load_model|load_weights)\s*\(")
"""Calls that read a model whatever their arguments are named."""

_NOT_REQUEST = re.compile(r"\burllib\.request\b|\burllib2\b")
"""Module names that say nothing about a client's request."""
_WORD = re.compile(r"[A-Za-z][a-z0-9]*|[A-Z]+(?![a-z])")
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,12})(?=[\"'}])")
_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+([A-Za-z_][A-Za-z0-9_]*)")


def words(text: str) -> set[str]:
    """Return the lower-case words of identifiers in ``text`` (snake_case and camelCase split).

    Joined spellings are kept as well (``X_train`` gives ``x``, ``train`` and ``xtrain``;
    ``state_dict`` gives ``statedict``).
    """
    found: set[str] = set()
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        parts = [p.lower() for p in _WORD.findall(name)]
        found.update(parts)
        if len(parts) > 1:
            found.add("".join(parts))
    return found


def of_text(text: str) -> str | None:
    """Return the one context ``text`` names (words and file extensions), else None."""
    if DATA_CALLS.search(text):
        return DATA
    if MODEL_CALLS.search(text):
        return MODEL
    found = words(_NOT_REQUEST.sub(" ", text))
    if found & REQUEST_WORDS:
        return REQUEST
    decided = _one(bool(found & DATA_WORDS), bool(found & MODEL_WORDS))
    if decided is not None or found & (DATA_WORDS | MODEL_WORDS):
        return decided
    extensions = {e.lower() for e in _EXTENSION.findall(text)}
    return _one(bool(extensions & DATA_EXTENSIONS), bool(extensions & MODEL_EXTENSIONS))


def _one(data: bool, model: bool) -> str | None:
    """Return the context when exactly one of the two is named."""
    if data == model:
        return None
    return DATA if data else MODEL


def enclosing_function(lines: Sequence[str], index: int) -> str | None:
    """Return the name of the function around line ``index`` (0-based), if there is one."""
    if not 0 <= index < len(lines):
        return None
    current = lines[index]
    indent = len(current) - len(current.lstrip())
    for number in range(index - 1, -1, -1):
        line = lines[number]
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        match = _DEF.match(line)
        if match and depth < indent:
            return match.group(2)
        if depth == 0 and not line.lstrip().startswith(("@", "#")) and match is None:
            return None
    return None


def recognise(path: str, matched: str, lines: Sequence[str], index: int) -> str | None:
    """Return what the code matched at line ``index`` (0-based) of ``lines`` handles.

    ``matched`` is the matched code (a semgrep match's lines, an analyzer's call); ``path``
    the file's path. Places are read from the most specific to the least; see the module.
    """
    function = enclosing_function(lines, index)
    for place in (matched, function or "", path.rsplit("/", 1)[-1], path):
        found = of_text(place)
        if found is not None:
            return found
    return None
