"""Native analyzer ``model-artifact``: model files scanned as bytes, failing closed.

Each check names the concerns it reports (``code``, ``keras``, ``unverifiable``,
``format-mismatch``, ``archive``, ``onnx``, ``template``); the file is scanned once whatever the
number of checks (see :mod:`mlsec_policy.analyzers.model_artifacts.scan`). Every issue becomes a
whole-file observation on the model file, keyed by what it is about, with its own severity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.model_artifacts.context import Limits
from mlsec_policy.analyzers.model_artifacts.issues import Concern
from mlsec_policy.analyzers.model_artifacts.scan import scan_path
from mlsec_policy.analyzers.model_artifacts.source import MiB
from mlsec_policy.analyzers.params import Params
from mlsec_policy.models import ArtifactKind


@dataclass(frozen=True, slots=True)
class ModelArtifact:
    """Parameters of ``model-artifact``."""

    concerns: tuple[Concern, ...]
    """Which families of issues this check reports."""
    max_archive_depth: int = 5
    """How deep archives inside archives are entered."""
    max_inflate_mib: int = 1024
    """How far one compressed member is decompressed, in MiB."""
    max_inflate_total_mib: int = 4096
    """How much one file may decompress to in all, in MiB."""


def model_artifact(context: FileContext, params: ModelArtifact) -> Iterable[Observation]:
    """Yield an observation for every issue of the wanted concerns in one model file."""
    wanted = set(params.concerns)
    limits = Limits(
        max_depth=params.max_archive_depth,
        inflate_cap=params.max_inflate_mib * MiB,
        budget=params.max_inflate_total_mib * MiB,
    )
    issues = scan_path(context.path, context.artifact.path, context.root, limits)
    for issue in issues:
        if issue.concern in wanted:
            yield Observation(
                context.at(),
                message=issue.message,
                severity=issue.severity,
                snippet=issue.snippet,
                key=issue.key,
            )


SPEC = AnalyzerSpec(
    name="model-artifact",
    description=(
        "Model files (pickle, PyTorch, TorchScript, joblib, NumPy, Keras, HDF5, ONNX, "
        "safetensors, GGUF, archives) inspected as bytes: imports, code, structure, integrity."
    ),
    kinds=frozenset({ArtifactKind.MODEL_ARTIFACT}),
    params=Params.beside(ModelArtifact, __name__, "model-artifact"),
    file=model_artifact,
    # an integrity check hashes the bytes on disk on every scan, never a cached verdict
    cached=False,
)
