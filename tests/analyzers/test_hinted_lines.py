"""The lines that hint at a secret are found in one pass, each once, as a search per line finds.

:func:`~mlsec_policy.analyzers.secrets.code_settings.hinted_lines` takes the rest of a line
with its first hint and counts lines as matches come; it must answer as the plain definition:
the lines whose lower-cased text the hint matches.
"""

from __future__ import annotations

import re
import sysconfig
from pathlib import Path

import pytest

from mlsec_policy.analyzers.secrets import code_settings, config_settings
from mlsec_policy.analyzers.secrets.code_settings import hinted_lines


def _by_line(lines: list[str], hint: re.Pattern[str]) -> list[int]:
    return [n for n, line in enumerate(lines, 1) if hint.search(line.lower())]


EDGES = [
    [],
    [""],
    ["", "", "api_key = 1"],
    ["TOKEN token Token", "no", "pass", "passing", "x pass"],
    ["secret", "", "key"],
    ["a = 1", "b = 2"],
    ["password=1", "PWD", "auth", "cred", "end"],
]


@pytest.mark.parametrize("hint", [code_settings._HINT, config_settings._HINT])
def test_hinted_lines_are_the_lines_a_search_per_line_finds(hint: re.Pattern[str]) -> None:
    texts = list(EDGES)
    library = Path(sysconfig.get_paths()["stdlib"])
    texts += [p.read_text(errors="replace").split("\n") for p in sorted(library.glob("*.py"))]
    hinted = 0
    for lines in texts:
        expected = _by_line(lines, hint)
        assert hinted_lines(lines, hint) == expected, lines[:3]
        hinted += bool(expected)
    assert hinted > 100
