"""The semgrep engine, split by concern.

:mod:`.engine` runs the checks (targets, views, batches); :mod:`.process` starts semgrep
offline; :mod:`.results` maps its matches back to the user's files; :mod:`.problems` turns its
errors into ScanErrors and PolicyErrors; :mod:`.compile` writes the rules file and validates
a policy's rules.
"""

from mlsec_policy.engines.semgrep.compile import check_rules
from mlsec_policy.engines.semgrep.engine import SemgrepEngine

__all__ = ["SemgrepEngine", "check_rules"]
