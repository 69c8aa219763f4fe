"""The code analyzers read a file in the encoding CPython reads it in, and test the text it spells.

Their byte pre-tests (``eval(``, ``execute``) skip a file whose bytes lack the words; the bytes
spell the file's identifiers only in ASCII or NFKC-normal UTF-8. Each case is a real file: a
valid one is judged (never an error), one CPython refuses (UTF-16) is an error when its text
holds a call the check judges and is passed over when it holds none (as a broken UTF-8 file).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import AnalyzerError, FileContext, Observation
from mlsec_policy.analyzers.params import NoParams
from mlsec_policy.analyzers.pycode import evaluation, hub_helpers, shell, sql
from mlsec_policy.analyzers.pycode.encoding import declared, searched_in
from mlsec_policy.analyzers.pycode.source import ParsedReport, Report
from mlsec_policy.models import Artifact, ArtifactKind

CODE = "import os\nimport sys\n\n\ndef run():\n    eval(sys.argv[1])\n    os.system(sys.argv[2])\n"
"""A module with an eval (line 6) and a shell command (line 7) of command-line input."""
LATIN1 = (
    "# -*- coding: latin-1 -*-\nimport os\nimport sys\n\n\ndef run():\n"
    "    caf\xe9 = sys.argv[1]\n    s = 'd\xe9j\xe0'\n"
    "    eval(caf\xe9)\n    os.system(caf\xe9 + s)\n"
).encode("latin-1")
"""Valid Python in latin-1: a non-ASCII name and string; eval on line 9, the shell on 10."""

Check = Callable[[FileContext], Iterable[Observation]]


def _evaluations(context: FileContext) -> Iterable[Observation]:
    return evaluation.code_evaluations(context, ParsedReport("unknown"))


def _commands(context: FileContext) -> Iterable[Observation]:
    return shell.shell_commands(context, Report("outside"))


def _context(root: Path, name: str, data: bytes) -> FileContext:
    path = root / name
    path.write_bytes(data)
    return FileContext(root, Artifact(name, ArtifactKind.PYTHON, len(data)), memo={})


def _lines(check: Check, context: FileContext) -> list[int | None]:
    return [o.location.start_line for o in check(context)]


VALID = [
    pytest.param(b"\xef\xbb\xbf" + CODE.encode(), 6, 7, id="utf-8-with-bom"),
    pytest.param(LATIN1, 9, 10, id="latin-1-cookie"),
    pytest.param(CODE.replace("'", "").encode() + b"x = '\xff'\n", 6, 7, id="invalid-utf-8"),
    pytest.param(  # CPython reads ｅｖａｌ as eval (NFKC); the bytes hold no e-v-a-l
        CODE.replace("eval", "\uff45\uff56\uff41\uff4c").encode(), 6, 7, id="fullwidth-eval"
    ),
    pytest.param(CODE.replace("eval", "ev\u00aal").encode(), 6, 7, id="feminine-ordinal-eval"),
    pytest.param(  # +AGUAdgBhAGw- is eval in UTF-7
        ("# coding: utf-7\n" + CODE.replace("eval", "+AGUAdgBhAGw-")).encode(),
        7,
        8,
        id="utf-7-cookie",
    ),
]


@pytest.mark.parametrize(("data", "eval_line", "shell_line"), VALID)
def test_a_file_cpython_reads_is_judged(
    tmp_path: Path, data: bytes, eval_line: int, shell_line: int
) -> None:
    context = _context(tmp_path, "m.py", data)
    assert _lines(_evaluations, context) == [eval_line]
    assert _lines(_commands, context) == [shell_line]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(CODE.encode("utf-16"), id="utf-16-bom"),
        pytest.param(CODE.encode("utf-16-be"), id="utf-16-be-no-bom"),
        pytest.param(CODE.encode("utf-32"), id="utf-32-bom"),
    ],
)
@pytest.mark.parametrize("check", [_evaluations, _commands])
def test_a_wide_file_with_a_judged_call_is_an_error(
    tmp_path: Path, data: bytes, check: Check
) -> None:
    """CPython refuses the file (semgrep reports a syntax error): not a pass."""
    with pytest.raises(AnalyzerError) as raised:
        check(_context(tmp_path, "w.py", data))
    assert raised.value.kind == "parse-error"


def test_a_wide_file_with_no_judged_call_is_passed_over(tmp_path: Path) -> None:
    """As a broken UTF-8 file no call of which a check judges: not parsed, so not an error."""
    context = _context(tmp_path, "w.py", "import os\nprint(os.sep)\n".encode("utf-16"))
    assert list(_evaluations(context)) == []
    assert list(_commands(context)) == []
    assert list(sql.sql_statements(context, Report("outside"))) == []


def test_a_hub_helper_spelled_in_fullwidth_is_read(tmp_path: Path) -> None:
    """The byte-tree analyzers' pre-tests read the text as CPython does too."""
    text = (
        "from transformers import AutoModel\nimport yaml\n\n\n"
        "def load(name):\n    return AutoModel.\uff46rom_pretrained(name)\n\n\n"
        "cfg = yaml.safe_load(open('c.yaml'))\nload(cfg['model'])\n"
    )
    plain = _context(tmp_path, "p.py", text.replace("\uff46", "f").encode())
    wide = _context(tmp_path, "w.py", text.encode())
    found = list(hub_helpers.hub_id_through_helper(plain, NoParams()))
    assert found, "the plain spelling must be found for the wide one to mean anything"
    widely = list(hub_helpers.hub_id_through_helper(wide, NoParams()))
    assert [o.location.start_line for o in widely] == [o.location.start_line for o in found]


def _notebook(root: Path, source: list[str]) -> FileContext:
    cell: dict[str, object] = {
        "cell_type": "code",
        "metadata": {},
        "execution_count": None,
        "outputs": [],
    }
    document = {"cells": [{**cell, "source": source}], "metadata": {}, "nbformat": 4}
    data = json.dumps({**document, "nbformat_minor": 5}).encode()  # non-ASCII as \\uXXXX
    (root / "n.ipynb").write_bytes(data)
    return FileContext(root, Artifact("n.ipynb", ArtifactKind.NOTEBOOK, len(data)), memo={})


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(["eval\t(sys.argv[1])\n"], id="tab-escaped"),
        pytest.param(["\uff45\uff56\uff41\uff4c(sys.argv[1])\n"], id="fullwidth-u-escaped"),
        pytest.param(["x = (eval\n", "(sys.argv[1]))\n"], id="across-source-lines"),
    ],
)
def test_a_notebook_call_spelled_through_json_escapes_is_judged(
    tmp_path: Path, call: list[str]
) -> None:
    """The pre-test reads the notebook's JSON escapes (the raw JSON spells none of these)."""
    context = _notebook(tmp_path, ["import sys\n", *call])
    assert len(list(_evaluations(context))) == 1


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"x = 1\n", "utf-8"),
        (b"\xef\xbb\xbfx = 1\n", "utf-8-sig"),
        (b"# -*- coding: latin-1 -*-\n", "iso-8859-1"),
        (b"# coding: utf-7\n", "utf-7"),
        ("x = 1\n".encode("utf-16"), None),
        (b"# coding: no-such-codec\n", None),
    ],
)
def test_the_encoding_is_the_one_cpython_reads(data: bytes, encoding: str | None) -> None:
    assert declared(data) == encoding


def test_ascii_and_normal_utf8_bytes_are_searched_as_they_are() -> None:
    ascii_code = CODE.encode()
    assert searched_in(ascii_code) is ascii_code
    accented = "s = 'd\u00e9j\u00e0'\n".encode()
    assert searched_in(accented) is accented
