"""Fixture generators: code that writes binary fixture files into a case folder.

Dangerous binaries (malicious pickles, tampered archives) are never committed; a case names
its generator in ``expected.yaml`` and the file is written fresh for each run. Each generator
takes the case folder and writes its files there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mlsec_policy.policytest.generators import data, keystores, model_artifacts

Generator = Callable[[Path], None]

GENERATORS: dict[str, Generator] = {
    **data.GENERATORS,
    **keystores.GENERATORS,
    **model_artifacts.GENERATORS,
}
"""Generator name to function; analyzers' fixture builders are listed here explicitly."""
