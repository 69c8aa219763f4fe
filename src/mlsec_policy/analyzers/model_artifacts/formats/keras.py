"""Keras models: the ``config.json`` of ``.keras`` archives and the JSON inside HDF5 files.

A Keras configuration names the classes and functions the loader imports and calls. What runs
code: ``Lambda`` layers (a marshalled Python function), references to modules outside Keras
(imported even in safe mode before CVE-2025-1550 was fixed), a call to
``enable_unsafe_deserialization`` (CVE-2025-9906), ``get_file`` downloads (CVE-2025-8747) and
``TorchModuleWrapper``, which unpickles a whole PyTorch module (CVE-2025-49655).

HDF5 files are not parsed as HDF5: the JSON configuration is found by a bounded search. The file
is read once in chunks (memory stays flat); every ``{"`` that is followed by a ``"class_name"``
key within 512 bytes is decoded with :meth:`json.JSONDecoder.raw_decode`, reading at most 64 MiB
from that point. Keras writes ``model_config`` and ``training_config`` as plain JSON text (fixed
or variable-length strings), which HDF5 stores unfiltered, so the search finds them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from mlsec_policy.analyzers.model_artifacts.context import Context
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, where
from mlsec_policy.analyzers.model_artifacts.members import unverifiable
from mlsec_policy.analyzers.model_artifacts.pickle.policy import Verdict, judge
from mlsec_policy.analyzers.model_artifacts.source import (
    FileSlice,
    LimitExceeded,
    Source,
    Truncated,
)
from mlsec_policy.analyzers.model_artifacts.zipread import Listing, member_source
from mlsec_policy.models import Severity
from mlsec_policy.textfile import json_int, load_json

CONFIG_CAP = 64 * 1024 * 1024
SCAN_CHUNK = 4 * 1024 * 1024
KERAS_MODULES = ("keras", "tf_keras", "keras_hub", "keras_nlp", "keras_cv", "tensorflow.keras")
GADGETS = {
    "enable_unsafe_deserialization": (
        Severity.CRITICAL,
        "turns Keras safe mode off while loading (CVE-2025-9906)",
    ),
    "get_file": (Severity.HIGH, "downloads a file while loading (CVE-2025-8747)"),
}


def check_config(config: object, member: str) -> list[Issue]:
    """Return the issues of one decoded Keras configuration."""
    issues: dict[str, Issue] = {}
    for node in _walk(config):
        for issue in _node_issues(node, member):
            issues.setdefault(issue.detail, issue)
    return list(issues.values())


def _walk(value: object) -> Iterator[dict[str, object]]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _node_issues(node: dict[str, object], member: str) -> Iterator[Issue]:
    class_name = node.get("class_name")
    module = node.get("module")
    config = node.get("config")
    if class_name == "Lambda":
        name = config.get("name", "?") if isinstance(config, dict) else "?"
        yield _issue(
            Severity.HIGH,
            "lambda-layer",
            f"has a Lambda layer ({name}) whose Python function runs when the model is "
            "loaded without safe mode or called (CVE-2024-3660)",
            member,
            f"lambda:{name}",
        )
    if class_name == "TorchModuleWrapper":
        yield _issue(
            Severity.CRITICAL,
            "torch-module-wrapper",
            "wraps a pickled PyTorch module (TorchModuleWrapper): loading unpickles it "
            "(CVE-2025-49655)",
            member,
            "TorchModuleWrapper",
        )
    for value in (class_name, config if isinstance(config, str) else None):
        if isinstance(value, str) and value in GADGETS:
            severity, why = GADGETS[value]
            yield _issue(severity, "keras-gadget", f"calls {value}, which {why}", member, value)
    if isinstance(module, str) and module and not module.startswith(KERAS_MODULES):
        target = class_name if isinstance(class_name, str) else "?"
        if target == "function" and isinstance(config, str):
            target = config
        verdict, reason = judge(module, target)
        severity = Severity.CRITICAL if verdict is Verdict.DANGEROUS else Severity.HIGH
        yield _issue(
            severity,
            "foreign-module",
            f"makes the loader import {module}.{target} from outside Keras"
            + (f" ({reason})" if verdict is Verdict.DANGEROUS else "")
            + "; module references were honoured even in safe mode before CVE-2025-1550",
            member,
            f"module:{module}.{target}",
        )


def _issue(severity: Severity, code: str, text: str, member: str, detail: str) -> Issue:
    return Issue(Concern.KERAS, severity, code, f"{where(member)}{text}", member, detail)


def scan_keras_zip(
    archive: FileSlice, listing: Listing, member: str, context: Context
) -> list[Issue]:
    """Scan the ``config.json`` of a ``.keras`` archive."""
    entry = next((e for e in listing.entries if e.name == "config.json"), None)
    config_member = f"{member}!config.json" if member else "config.json"
    body = None if entry is None else member_source(archive, entry, CONFIG_CAP, context.budget)
    if body is None:
        return [unverifiable(config_member, "keras-config", "cannot be read")]
    try:
        with body.open() as reader:
            text = reader.read_upto(CONFIG_CAP + 1)
        if len(text) > CONFIG_CAP:
            raise LimitExceeded(f"is larger than {CONFIG_CAP} bytes")
        config = load_json(text)
    except (LimitExceeded, ValueError, Truncated) as exc:
        return [unverifiable(config_member, "keras-config", f"cannot be parsed: {exc}")]
    return check_config(config, config_member)


def scan_hdf5(source: Source, member: str) -> list[Issue]:
    """Scan an HDF5 file for Keras configurations (see the module docstring)."""
    issues: list[Issue] = []
    found_config = False
    names_config = False
    covered = -1
    for offset, chunk in _candidates(source):
        names_config |= b"model_config" in chunk
        if offset <= covered:
            continue
        config, end = _decode_at(source, offset)
        if isinstance(config, dict) and "class_name" in config:
            found_config = True
            covered = end
            issues.extend(check_config(config, member))
    if names_config and not found_config:
        issues.append(
            unverifiable(
                member,
                "keras-config",
                "names a model_config attribute but no readable Keras configuration was found",
            )
        )
    return issues


def _candidates(source: Source) -> Iterator[tuple[int, bytes]]:
    """Yield (offset of a JSON candidate, or -1, chunk) while reading the file once."""
    position = 0
    tail = b""
    with source.open() as reader:
        while True:
            chunk = reader.read_upto(SCAN_CHUNK)
            if not chunk:
                return
            data = tail + chunk
            base = position - len(tail)
            yield -1, data
            start = 0
            limit = len(data) - 512 if len(chunk) == SCAN_CHUNK else len(data)
            while (index := data.find(b'{"', start, max(limit, 0))) >= 0:
                if b'"class_name"' in data[index : index + 512]:
                    yield base + index, b""
                start = index + 2
            tail = data[max(limit, 0) :]
            position += len(chunk)


def _decode_at(source: Source, offset: int) -> tuple[object, int]:
    """Return the JSON value starting at ``offset`` and the offset just after it."""
    size = 64 * 1024
    while size <= CONFIG_CAP:
        with source.open() as reader:
            reader.skip(offset)
            raw = reader.read_upto(size)
        text = raw.decode("latin-1")
        try:
            value, end = json.JSONDecoder(parse_int=json_int).raw_decode(text)
        except ValueError:
            if len(raw) < size:
                return None, offset
            size *= 4
            continue
        return _utf8(value), offset + end
    return None, offset


def _utf8(value: object) -> object:
    """Re-decode strings read as Latin-1 (so byte offsets stay exact) into UTF-8 text."""
    if isinstance(value, str):
        return value.encode("latin-1").decode("utf-8", "replace")
    if isinstance(value, list):
        return [_utf8(item) for item in value]
    if isinstance(value, dict):
        return {_utf8(key): _utf8(item) for key, item in value.items()}
    return value
