"""Native analyzer ``model-artifact``: model files scanned as bytes, failing closed.

Each check names the concerns it reports (``code``, ``keras``, ``unverifiable``,
``format-mismatch``, ``archive``, ``onnx``, ``template``); the file is scanned once whatever the
number of checks (see :mod:`mlsec_policy.analyzers.model_artifacts.scan`). Every issue becomes a
whole-file observation on the model file, keyed by what it is about, with its own severity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.model_artifacts.context import Limits
from mlsec_policy.analyzers.model_artifacts.issues import Concern
from mlsec_policy.analyzers.model_artifacts.scan import scan_path
from mlsec_policy.analyzers.model_artifacts.source import MiB
from mlsec_policy.models import ArtifactKind, JsonValue


def model_artifact(context: FileContext, params: Mapping[str, JsonValue]) -> Iterable[Observation]:
    """Yield an observation for every issue of the wanted concerns in one model file."""
    wanted = {Concern(str(c)) for c in params.get("concerns", []) or []}  # type: ignore[union-attr]
    limits = Limits(
        max_depth=_int(params, "max-archive-depth", 5),
        inflate_cap=_int(params, "max-inflate-mib", 1024) * MiB,
        budget=_int(params, "max-inflate-total-mib", 4096) * MiB,
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


def _int(params: Mapping[str, JsonValue], name: str, default: int) -> int:
    value = params.get(name, default)
    return value if isinstance(value, int) else default


SPEC = AnalyzerSpec(
    name="model-artifact",
    description=(
        "Model files (pickle, PyTorch, TorchScript, joblib, NumPy, Keras, HDF5, ONNX, "
        "safetensors, GGUF, archives) inspected as bytes: imports, code, structure, integrity."
    ),
    kinds=frozenset({ArtifactKind.MODEL_ARTIFACT}),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["concerns"],
        "properties": {
            "concerns": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": [c.value for c in Concern]},
                "description": "Which families of issues this check reports.",
            },
            "max-archive-depth": {"type": "integer", "minimum": 1, "maximum": 20},
            "max-inflate-mib": {"type": "integer", "minimum": 1},
            "max-inflate-total-mib": {"type": "integer", "minimum": 1},
        },
    },
    file=model_artifact,
)
