"""The frozen values and enums that flow between the stages of a scan.

Nothing here imports from the rest of the package. Stages build these values; renderers only
read them. Update a value with :func:`dataclasses.replace`. The values are grouped by family
(:mod:`.inventory`, :mod:`.findings`, :mod:`.controls`, :mod:`.results`), but this package is
the one path to import them from.
"""

from mlsec_policy.models.controls import (
    CheckMode,
    ControlMeta,
    Engine,
    JsonValue,
    LayerInfo,
    PackInfo,
    PhaseInfo,
    PolicyInfo,
    References,
    RiskInfo,
    Taxonomy,
    VersionContext,
)
from mlsec_policy.models.findings import (
    ErrorLevel,
    Evidence,
    Finding,
    Hit,
    Location,
    NonProduct,
    NotebookCell,
    Observation,
    PathClass,
    ScanError,
    Severity,
    Suppression,
)
from mlsec_policy.models.inventory import (
    Artifact,
    ArtifactKind,
    GitFacts,
    Inventory,
    SkippedFile,
)
from mlsec_policy.models.results import (
    STATUS_ORDER,
    Attestation,
    ControlResult,
    ControlStatus,
    DiffScope,
    Report,
    ScanSettings,
    ToolInfo,
    Waiver,
    WaiverState,
    WaiverUse,
)

__all__ = [
    "STATUS_ORDER",
    "Artifact",
    "ArtifactKind",
    "Attestation",
    "CheckMode",
    "ControlMeta",
    "ControlResult",
    "ControlStatus",
    "DiffScope",
    "Engine",
    "ErrorLevel",
    "Evidence",
    "Finding",
    "GitFacts",
    "Hit",
    "Inventory",
    "JsonValue",
    "LayerInfo",
    "Location",
    "NonProduct",
    "NotebookCell",
    "Observation",
    "PackInfo",
    "PathClass",
    "PhaseInfo",
    "PolicyInfo",
    "References",
    "Report",
    "RiskInfo",
    "ScanError",
    "ScanSettings",
    "Severity",
    "SkippedFile",
    "Suppression",
    "Taxonomy",
    "ToolInfo",
    "VersionContext",
    "Waiver",
    "WaiverState",
    "WaiverUse",
]
