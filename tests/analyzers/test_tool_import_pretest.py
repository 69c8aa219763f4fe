"""security-tool-use parses a Python file only when an import may name a listed tool.

:func:`~mlsec_policy.analyzers.tool_evidence.may_import_root` turns a file down before it is
parsed. The property it must keep: a file it turns down yields no sighting from its imports,
parsed or (when it does not parse) read line by line. Checked on constructed spellings and on
the Python files of the installed packages, which nobody on the team wrote.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from mlsec_policy.analyzers import tool_evidence
from mlsec_policy.analyzers.patterns.security_tools import TOOLS
from mlsec_policy.analyzers.tool_evidence import may_import_root


def _sightings(text: str) -> list[str]:
    """Return the tools the analysis sees in ``text``'s imports, with every file parsed."""
    passed = tool_evidence.may_import_root
    try:
        tool_evidence.may_import_root = lambda data: True
        return [tool.name for _, tool, _ in tool_evidence._code(text, TOOLS)]
    finally:
        tool_evidence.may_import_root = passed


SEEN = [
    pytest.param("import garak\n", id="import"),
    pytest.param("import os, art.attacks as a\n", id="list"),
    pytest.param("import os, \\\n    garak\n", id="joined"),
    pytest.param("from art.attacks import FastGradientMethod\n", id="from"),
    pytest.param("from \\\n  garak import x\n", id="from-joined"),
    pytest.param("if True: import garak\n", id="inline"),
    pytest.param("x = 1; import garak\n", id="after-semicolon"),
    pytest.param("import\tgarak\n", id="tab"),
    pytest.param("def f(:\n    pass\nimport garak\n", id="unparsable"),
    pytest.param("def f(:\n    pass\nfrom\u2003garak import x\n", id="unparsable-wide-space"),
]


@pytest.mark.parametrize("code", SEEN)
def test_an_import_of_a_listed_tool_passes(code: str) -> None:
    assert _sightings(code), code  # the spelling is one the analysis reads
    assert may_import_root(code.encode())


TURNED_DOWN = [
    pytest.param("import os\n# garak, the state of the art\n", id="word-in-a-comment"),
    pytest.param("import smart_open, adapter\n", id="longer-names"),
    pytest.param("fromgarak = 1\nreimport = garak\n", id="keyword-inside-a-name"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("code", TURNED_DOWN)
def test_a_file_without_such_an_import_is_turned_down(code: str) -> None:
    assert not may_import_root(code.encode())
    assert _sightings(code) == []


_SEPARATE = bytes(
    c if chr(c).isascii() and (chr(c).isalnum() or c == 95) else 32 for c in range(256)
)


def _names_a_root(data: bytes) -> bool:
    """Tell whether a listed tool's top module is a word anywhere (where the pre-test decides)."""
    return not tool_evidence._IMPORT_ROOTS.isdisjoint(data.translate(_SEPARATE).split())


def test_no_installed_file_turned_down_holds_a_sighting() -> None:
    root = Path(sysconfig.get_paths()["purelib"])
    turned_down = passed = 0
    for path in sorted(root.rglob("*.py")):
        data = path.read_bytes()
        if not _names_a_root(data):
            continue
        text = data.decode("utf-8", errors="replace")
        if may_import_root(text.encode()):
            passed += 1
            continue
        turned_down += 1
        assert _sightings(text) == [], path
    assert turned_down > 20, (turned_down, passed)
