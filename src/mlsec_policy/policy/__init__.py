"""Policy packs: the taxonomy, controls and checks, loaded and validated from YAML."""

from mlsec_policy.policy.loader import configure, load_policy
from mlsec_policy.policy.model import (
    AttestationCheck,
    Check,
    Control,
    NativeCheck,
    Pack,
    Policy,
    SemgrepCheck,
)
from mlsec_policy.policy.packs import BUILTIN

__all__ = [
    "BUILTIN",
    "AttestationCheck",
    "Check",
    "Control",
    "NativeCheck",
    "Pack",
    "Policy",
    "SemgrepCheck",
    "configure",
    "load_policy",
]
