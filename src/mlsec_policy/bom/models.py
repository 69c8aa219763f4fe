"""``machine-learning-model`` components for the model files the repository holds.

A folder that holds a Hugging Face-style model (a ``config.json``, an adapter config, a shard
index or shard-named weights) is one model whose weight files are nested ``file`` components;
any other model file is a model by itself. Each weight file is read as bytes: its format from
its first bytes, its size, its SHA-256 and the artifact scan's verdict (the issues the
``model-artifact`` scanner finds, by severity). Nothing is loaded.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from mlsec_policy.analyzers.integrity.hashing import digest_file
from mlsec_policy.analyzers.model_artifacts.context import Limits
from mlsec_policy.analyzers.model_artifacts.detect import Format, sniff
from mlsec_policy.analyzers.model_artifacts.scan import HEAD, scan_path
from mlsec_policy.bom.cards import apply_adapter, apply_card, apply_config, card_file
from mlsec_policy.bom.parts import Basis, Kind, Part, Source, ref_for
from mlsec_policy.models import Artifact, ArtifactKind, Inventory

SHARD = re.compile(r"-\d{3,6}-of-\d{3,6}\.[A-Za-z0-9]+$")
"""``model-00001-of-00004.safetensors``: one shard of a sharded checkpoint."""
FOLDER_MARKERS = ("config.json", "adapter_config.json")
FRAMEWORKS = {
    Format.PICKLE: "pickle",
    Format.TORCH_LEGACY: "pytorch",
    Format.TORCH_ZIP: "pytorch",
    Format.TORCHSCRIPT: "pytorch",
    Format.NUMPY: "numpy",
    Format.NPZ: "numpy",
    Format.KERAS: "keras",
    Format.HDF5: "keras",
    Format.ONNX: "onnx",
    Format.GGUF: "llama.cpp",
    Format.GGML: "llama.cpp",
    Format.TFLITE: "tensorflow-lite",
}
"""The framework a weight format belongs to (safetensors serves several: left to config)."""
SEVERITY_ORDER = ("critical", "high", "medium", "low")
Sha256 = Callable[[str], str]
"""Gives the SHA-256 of a file by its path under the root (raises OSError): the result cache's
read-once digests, so a model file another scan has hashed is not read again for its hash."""


def model_parts(root: Path, inventory: Inventory, sha256: Sha256 | None = None) -> list[Part]:
    """Return one model component per model folder or loose model file, sorted by ref."""
    files = inventory.of_kind(ArtifactKind.MODEL_ARTIFACT)
    names: dict[str, set[str]] = defaultdict(set)
    for artifact in inventory.artifacts:
        pure = PurePosixPath(artifact.path)
        names[str(pure.parent)].add(pure.name)
    by_folder: dict[str, list[Artifact]] = defaultdict(list)
    for artifact in files:
        by_folder[str(PurePosixPath(artifact.path).parent)].append(artifact)
    parts: list[Part] = []
    for folder, members in sorted(by_folder.items()):
        if _is_model_folder(names[folder], members):
            parts.append(_folder_model(root, folder, members, names[folder], sha256))
        else:
            for artifact in members:
                if artifact.format == "tokenizer":
                    continue  # a tokenizer beside no model is not a model
                part = Part(Kind.MODEL, ref_for(Kind.MODEL, artifact.path), artifact.path)
                _weights(part, root, artifact, sha256)
                _describe_folder(part, root, folder, names[folder])
                parts.append(part)
    return sorted(parts, key=lambda p: p.ref)


def _is_model_folder(names: set[str], members: Sequence[Artifact]) -> bool:
    if any(marker in names for marker in FOLDER_MARKERS):
        return True
    if any(name.endswith(".index.json") for name in names):
        return True
    return any(SHARD.search(a.path) for a in members)


def _folder_model(
    root: Path, folder: str, members: Sequence[Artifact], names: set[str], sha256: Sha256 | None
) -> Part:
    part = Part(Kind.MODEL, ref_for(Kind.MODEL, f"{folder}/"), f"{folder}/")
    shards = [a for a in members if SHARD.search(a.path)]
    if shards:
        part.fill("sharded", str(len(shards)), Source(Basis.OBSERVED, shards[0].path))
    verdicts: list[str] = []
    for artifact in sorted(members, key=lambda a: a.path):
        file = Part(Kind.FILE, ref_for(Kind.FILE, artifact.path), artifact.path)
        _weights(file, root, artifact, sha256)
        part.files.append(file)
        verdicts.append(file.facts.get("artifact-verdict", "unknown"))
        for name in ("format", "framework"):
            if name in file.facts:
                part.fill(name, file.facts[name], file.provenance[name])
    part.fill("artifact-verdict", _worst(verdicts), Source(Basis.OBSERVED, f"{folder}/"))
    part.fill("size", str(sum(a.size for a in members)), Source(Basis.OBSERVED, f"{folder}/"))
    _describe_folder(part, root, folder, names)
    return part


def _describe_folder(part: Part, root: Path, folder: str, names: set[str]) -> None:
    """Fill what the files beside the weights declare: card, config, adapter."""
    prefix = "" if folder == "." else f"{folder}/"
    card = card_file(root / folder, names)
    if card is not None:
        # the repository's own README is a model card only when it has a card's front matter
        apply_card(
            part, root, prefix + card, front_matter_only=not prefix and card.lower() == "readme.md"
        )
    if "config.json" in names:
        apply_config(part, root, prefix + "config.json")
    if "adapter_config.json" in names:
        apply_adapter(part, root, prefix + "adapter_config.json")


def _weights(part: Part, root: Path, artifact: Artifact, sha256: Sha256 | None) -> None:
    """Fill format, framework, size, SHA-256 and the artifact verdict of one weight file."""
    path = root / artifact.path
    here = Source(Basis.OBSERVED, artifact.path)
    part.fill("size", str(artifact.size), here)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD)
        hashed = sha256(artifact.path) if sha256 else digest_file(path, "sha256")
        part.hashes["SHA-256"] = hashed
        part.note("hashes", here)
        issues = scan_path(path, artifact.path, root, Limits())
    except OSError as exc:
        part.fill("artifact-verdict", f"unreadable: {exc.strerror}", here)
        return
    fmt = sniff(head)
    part.fill("format", fmt.value, here)
    if fmt in FRAMEWORKS:
        part.fill("framework", FRAMEWORKS[fmt], here)
    if fmt is Format.LFS_POINTER:
        part.fill("lfs-pointer", "true", here)
    if not issues:
        part.fill("artifact-verdict", "clean", here)
        return
    worst = max(issues, key=lambda i: i.severity)
    part.fill("artifact-verdict", f"{worst.severity.label}: {len(issues)} issue(s)", here)
    part.fill("artifact-issues", ",".join(sorted({i.code for i in issues})), here)


def _worst(verdicts: Sequence[str]) -> str:
    """Return the worst of several file verdicts (``clean`` only when every file is)."""
    for level in SEVERITY_ORDER:
        hits = [v for v in verdicts if v.startswith(f"{level}:")]
        if hits:
            return f"{level}: {len(hits)} file(s) with issues"
    unknown = [v for v in verdicts if v != "clean"]
    return unknown[0] if unknown else "clean"
