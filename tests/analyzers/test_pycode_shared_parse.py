"""One parse per Python file for every code analyzer, with the trees each used to get alone.

The SQL, eval/exec and shell analyzers parse the file's decoded text (``read_source``); the
download, endpoint and hub-helper analyzers its bytes (``byte_tree``). When the text is the
bytes decoded as CPython decodes them, the two parses are one tree; otherwise (an undecodable
byte, an encoding CPython refuses) each keeps its own reading. Real files, real parses.
"""

from __future__ import annotations

import ast
import codecs
import contextlib
from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import AnalyzerError, FileContext, FileSkipped
from mlsec_policy.analyzers.pycode.source import byte_tree, read_source
from mlsec_policy.models import Artifact, ArtifactKind

CODE = "import os\n\n\ndef f(caf\u00e9='d\u00e9j\u00e0'):\n    return os.system(caf\u00e9)\n"
FILES = {
    "ascii": b"import os\nx = os.getcwd()  # comment\n",
    "utf-8": CODE.encode(),
    "utf-8-bom": codecs.BOM_UTF8 + CODE.encode(),
    "two-boms": codecs.BOM_UTF8 * 2 + b"x = 1\n",
    "latin-1-cookie": ("# -*- coding: latin-1 -*-\n" + CODE).encode("latin-1"),
    "utf-7-cookie": ("# coding: utf-7\n" + CODE).encode("utf-7"),
    "cookie-on-line-2": ("#!/usr/bin/env python\n# coding: latin-1\n" + CODE).encode("latin-1"),
    "bom-and-latin-1-cookie": codecs.BOM_UTF8 + b"# coding: latin-1\nx = 1\n",
    "unknown-cookie": b"# coding: no-such-codec\nx = 1\n",
    "crlf": CODE.replace("\n", "\r\n").encode(),
    "lone-cr": CODE.replace("\n", "\r").encode(),
    "form-feed-and-tabs": b"\x0cimport os\nif os:\n\tx = (1,\n\t\t2)\n",
    "invalid-utf-8": b"import os\nx = '\xff'\n",
    "latin-1-without-cookie": "x = 'd\u00e9j\u00e0'\n".encode("latin-1"),
    "syntax-error": b"def f(:\n    pass\n",
    "nul-byte": b"x = 1\x00\n",
    "utf-16": CODE.encode("utf-16"),
    "deep-nesting": b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",
    "empty": b"",
}


def _context(root: Path, data: bytes) -> FileContext:
    (root / "m.py").write_bytes(data)
    return FileContext(root, Artifact("m.py", ArtifactKind.PYTHON, len(data)), memo={})


def _alone(data: bytes) -> str | None:
    """Return the tree ``ast.parse`` gives the bytes on their own (byte_tree's before)."""
    try:
        return ast.dump(ast.parse(data), include_attributes=True)
    except (SyntaxError, ValueError, RecursionError):
        return None


def _byte_tree(context: FileContext) -> str | None:
    try:
        return ast.dump(byte_tree(context), include_attributes=True)
    except FileSkipped:
        return None


@pytest.mark.parametrize("text_first", [True, False], ids=["text-parsed-first", "bytes-first"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_the_byte_tree_is_the_tree_of_the_bytes_alone(
    tmp_path: Path, name: str, text_first: bool
) -> None:
    data = FILES[name]
    context = _context(tmp_path, data)
    if text_first:
        with contextlib.suppress(AnalyzerError, RecursionError):
            read_source(context)
    assert _byte_tree(context) == _alone(data)


@pytest.mark.parametrize(
    "name", ["ascii", "utf-8", "utf-8-bom", "latin-1-cookie", "utf-7-cookie", "crlf", "lone-cr"]
)
def test_a_file_cpython_decodes_is_parsed_once(tmp_path: Path, name: str) -> None:
    context = _context(tmp_path, FILES[name])
    tree = byte_tree(context)
    assert read_source(context).tree is tree
    assert read_source(context).tree is tree


def test_an_undecodable_file_keeps_both_readings(tmp_path: Path) -> None:
    """The text analyzers read it with the byte replaced; the byte analyzers pass it over."""
    context = _context(tmp_path, FILES["invalid-utf-8"])
    assert read_source(context).lines[1] == "x = '\ufffd'"
    with pytest.raises(FileSkipped):
        byte_tree(context)


def test_a_file_that_does_not_parse_is_an_error_for_every_text_analyzer(tmp_path: Path) -> None:
    context = _context(tmp_path, FILES["syntax-error"])
    for _ in range(2):
        with pytest.raises(AnalyzerError) as raised:
            read_source(context)
        assert raised.value.kind == "parse-error"
        assert raised.value.line == 1
    with pytest.raises(FileSkipped):
        byte_tree(context)
