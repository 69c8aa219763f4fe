"""A semgrep check is described for its cache key as ``asdict`` describes it, without copies."""

from __future__ import annotations

import json
from dataclasses import asdict

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep.cached import described_check
from mlsec_policy.policy import SemgrepCheck, load_policy


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def test_every_builtin_check_is_described_as_asdict_describes_it() -> None:
    checks = load_policy(("builtin",), ANALYZERS).checks(SemgrepCheck)
    assert any(check.contexts for check in checks)  # a field that holds dataclasses
    assert any(check.version_context or check.guard_context for check in checks)
    for check in checks:
        assert _json(described_check(check)) == _json(asdict(check)), check.id
