"""Model artifacts: every supported format is read as bytes and never loaded.

The modules follow the data flow: :mod:`.source` gives bounded byte readers over files, archive
members and decompressed streams; :mod:`.detect` names a format from content; one module per
format inspects it (:mod:`.pickle`, and :mod:`.formats` for PyTorch, NumPy, Keras, ONNX,
safetensors and GGUF; :mod:`.archive` with :mod:`.zipread` and :mod:`.zipcheck` for
containers); :mod:`.scan` ties them together and returns :class:`.issues.Issue` values, which
:mod:`.analyzer` turns into observations.
"""

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.model_artifacts import analyzer

SPECS: tuple[AnalyzerSpec[Any], ...] = (analyzer.SPEC,)
"""The analyzers of this domain, for the registry."""
