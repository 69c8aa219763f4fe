"""The download-origin and hub-helper analyzers parse a file only when a call may be judged.

A call whose first argument is a plain string literal (``kwargs.get("key")``, a docstring's
``from_pretrained("id")``) is never judged, and a file holding only such calls is not parsed.
Every other spelling of a judged call is: each case below is a real file whose finding the
analyzer reports, so the pre-test passed it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import FileContext, Observation
from mlsec_policy.analyzers.params import NoParams
from mlsec_policy.analyzers.pycode import downloads, hub_helpers
from mlsec_policy.models import Artifact, ArtifactKind

FETCH = 'import requests\n\n\ndef pull(src="http://example.com/data.csv"):\n    return {}\n'
"""A function whose parameter's default is a plain-http URL; {} is the call on line 5."""
LOAD = (
    "from transformers import AutoModel\n\n\ndef load(name):\n    return {}\n\n\n"
    "def main(cfg):\n    return load(cfg['model'])\n"
)
"""A helper loading its parameter unpinned (line 5), filled from a configuration."""


def _context(root: Path, text: str) -> FileContext:
    data = text.encode()
    (root / "m.py").write_bytes(data)
    return FileContext(root, Artifact("m.py", ArtifactKind.PYTHON, len(data)), memo={})


def _downloads(context: FileContext) -> list[Observation]:
    return list(downloads.plaintext_download_origins(context, NoParams()))


def _loads(context: FileContext) -> list[Observation]:
    return list(hub_helpers.hub_id_through_helper(context, NoParams()))


@pytest.mark.parametrize(
    "call",
    [
        pytest.param("requests.get(src)", id="plain"),
        pytest.param("requests.get(\n        src)", id="argument-on-next-line"),
        pytest.param("(requests.get  # a comment\n        (src))", id="comment-before-bracket"),
        pytest.param("requests.get \\\n        (src)", id="backslash-join"),
        pytest.param('requests.get("x", url=src)', id="url-keyword-after-a-literal"),
        pytest.param('requests.get("x")(src)', id="callee-is-a-call"),
        pytest.param('requests.get("x", 1)  (src)', id="callee-is-a-call-with-two-arguments"),
        pytest.param("requests.\uff47et(src)", id="fullwidth-name"),
    ],
)
def test_every_spelling_of_a_judged_download_is_read(tmp_path: Path, call: str) -> None:
    found = _downloads(_context(tmp_path, FETCH.format(call)))
    assert [o.location.start_line for o in found] == [5]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param("AutoModel.from_pretrained(name)", id="plain"),
        pytest.param("AutoModel.from_pretrained(pretrained_model_name_or_path=name)", id="kw"),
        pytest.param('AutoModel.from_pretrained("x")(name)', id="callee-is-a-call"),
        pytest.param("AutoModel.from_pretrained \\\n        (name)", id="backslash-join"),
    ],
)
def test_every_spelling_of_a_judged_load_is_read(tmp_path: Path, call: str) -> None:
    found = _loads(_context(tmp_path, LOAD.format(call)))
    assert [o.location.start_line for o in found] == [5]


LITERALS_ONLY = '''"""Use it as `AutoModel.from_pretrained("google/bert")` or `load("x", 2)`."""
import requests

kwargs = {}
timeout = kwargs.get("timeout", 3)
page = requests.get("http://example.com/")
model = AutoModel.from_pretrained('google/bert', revision="main")
empty = requests.get()
client = Client(base_url=page)
'''


def test_a_file_of_literal_calls_only_is_not_parsed(tmp_path: Path) -> None:
    context = _context(tmp_path, LITERALS_ONLY)
    assert _downloads(context) == []
    assert _loads(context) == []
    assert context.memo is not None
    assert "python-byte-tree" not in context.memo
    judged = _context(tmp_path, LITERALS_ONLY + "other = requests.get(page)\n")
    assert _downloads(judged) == []
    assert "python-byte-tree" in (judged.memo or {})
