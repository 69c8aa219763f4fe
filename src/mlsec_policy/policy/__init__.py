"""Policy packs: the taxonomy, controls and checks, loaded and validated from YAML."""

from mlsec_policy.policy.loader import configure, load_policy
from mlsec_policy.policy.model import Check, Control, Pack, Policy
from mlsec_policy.policy.packs import BUILTIN

__all__ = ["BUILTIN", "Check", "Control", "Pack", "Policy", "configure", "load_policy"]
