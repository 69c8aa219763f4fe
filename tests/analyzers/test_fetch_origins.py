"""The download-origin analyzer skips a file only when its analysis would find and read nothing.

:func:`~mlsec_policy.analyzers.pycode.fetch_origins.may_judge` lets the analyzer leave a file
unparsed. The property it must keep: for a file it turns down, the origin analysis finds
nothing and looks nothing up (no module's constants, no configuration key: the reads the
result cache records). Checked here on every spelling we could think of that reaches a
look-up, and on the standard library's own code, which nobody on the team wrote.
"""

from __future__ import annotations

import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import FileContext, Observation
from mlsec_policy.analyzers.params import NoParams
from mlsec_policy.analyzers.pycode import downloads
from mlsec_policy.analyzers.pycode.encoding import searched_in
from mlsec_policy.analyzers.pycode.fetch_origins import may_judge
from mlsec_policy.models import Artifact, ArtifactKind


def _context(root: Path, text: str | bytes, name: str = "m.py") -> FileContext:
    data = text.encode() if isinstance(text, str) else text
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(data)
    return FileContext(root, Artifact(name, ArtifactKind.PYTHON, len(data)), memo={})


def _findings(context: FileContext) -> list[Observation]:
    return list(downloads.plaintext_download_origins(context, NoParams()))


def _looked_up(context: FileContext, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return the look-ups the full analysis makes, unparsed files included (no pre-test)."""
    asked: list[str] = []

    def constant(_context: FileContext, module: str, name: str) -> None:
        asked.append(f"constant {module}.{name}")

    def config(_context: FileContext, key: str) -> None:
        asked.append(f"config {key}")

    with monkeypatch.context() as patch:
        patch.setattr(downloads, "_constant", constant)
        patch.setattr(downloads, "_config_value", config)
        try:
            list(
                downloads.origin_findings(
                    context, context.read_bytes(), downloads._download_target, "download"
                )
            )
        except Exception as exc:  # a file that cannot be parsed looks up nothing
            asked.append(f"not parsed: {type(exc).__name__}")
            return []
    return asked


SETTINGS = 'DATA_URL = "http://example.com/data.csv"\n'
CONFIG = "data_url: http://example.com/data.csv\n"


@pytest.mark.parametrize(
    ("code", "line"),
    [
        pytest.param("from settings import DATA_URL\nrequests.get(DATA_URL)\n", 2, id="from"),
        pytest.param("import settings\nrequests.get(settings.DATA_URL)\n", 2, id="module"),
        pytest.param("import os, settings\nrequests.get(settings.DATA_URL)\n", 2, id="list"),
        pytest.param(
            "from settings import (\n    X,  # ) a bracket in a comment\n    DATA_URL,\n)\n"
            "requests.get(\n    DATA_URL\n)\n",
            5,
            id="bracketed-import",
        ),
        pytest.param(
            "from settings import \\\n    DATA_URL as U\nrequests.get(U)\n", 3, id="joined-alias"
        ),
        pytest.param("if 1: import settings\nrequests.get(settings.DATA_URL)\n", 2, id="inline"),
        pytest.param("import settings\nrequests.get(url=settings.DATA_URL)\n", 2, id="url="),
        pytest.param(
            "import settings\nrequests.get(\n    1,  # comment\n    url=settings.DATA_URL)\n",
            2,
            id="url=-after-a-comment",
        ),
        pytest.param("import settings\nurlopen  (  # c\n  settings.DATA_URL)\n", 2, id="gap"),
        pytest.param('import settings\nrequests.get("x")(settings.DATA_URL)\n', 2, id="chained"),
        pytest.param(
            'import settings\nrequests.get("(", ")")\\\n    (settings.DATA_URL)\n',
            2,
            id="chained-brackets-in-strings",
        ),
        pytest.param("requests.get(cfg['data_url'])\n", 1, id="config-subscript"),
        pytest.param('requests.get(cfg.get("data_url"))\n', 1, id="config-get"),
        pytest.param('requests.get((a or cfg)["data_url"])\n', 1, id="config-of-an-expression"),
        pytest.param('requests.get(f(x)["data_url"])\n', 1, id="config-of-a-call"),
        pytest.param('download_file(cfg  ["data_url"], 1)\n', 1, id="config-spaced"),
    ],
)
def test_a_url_written_elsewhere_is_found(tmp_path: Path, code: str, line: int) -> None:
    (tmp_path / "settings.py").write_text(SETTINGS)
    (tmp_path / "config.yaml").write_text(CONFIG)
    context = _context(tmp_path, "import requests\n" + code)
    context = FileContext(
        tmp_path,
        context.artifact,
        memo={},
        listing=(
            context.artifact,
            Artifact("settings.py", ArtifactKind.PYTHON, len(SETTINGS)),
            Artifact("config.yaml", ArtifactKind.CONFIG, len(CONFIG)),
        ),
    )
    assert may_judge(searched_in(context.read_bytes()))
    assert [o.location.start_line for o in _findings(context)] == [line + 1]


@pytest.mark.parametrize(
    "default",
    [
        pytest.param('"http://example.com/a"', id="plain"),
        pytest.param('r"http://example.com/a"', id="raw"),
        pytest.param('"""http://example.com/a"""', id="triple"),
        pytest.param('"\\x68ttp://example.com/a"', id="hex-escape"),
        pytest.param('"h\\164tp://example.com/a"', id="octal-escape"),
        pytest.param('"\\N{LATIN SMALL LETTER H}ttp://example.com/a"', id="named-escape"),
        pytest.param('"ht" "tp://example.com/a"', id="concatenated"),
        pytest.param('("h"  # a comment\n    "ttp://example.com/a")', id="concatenated-comment"),
        pytest.param("\"\" 'http://example.com/a'", id="empty-piece-first"),
        pytest.param('"ht\\\ntp://example.com/a"', id="line-join-inside"),
        pytest.param('"ftp://example.com/a"', id="ftp"),
    ],
)
def test_every_spelling_of_a_default_url_is_found(tmp_path: Path, default: str) -> None:
    code = f"import requests\n\n\ndef pull(src={default}):\n    return requests.get(src)\n"
    context = _context(tmp_path, code)
    assert may_judge(searched_in(context.read_bytes()))
    found = _findings(context)
    assert len(found) == 1, code


TURNED_DOWN = [
    pytest.param("x = kwargs.get(key)\ny = d.get(self.name, None)\n", id="dict-gets"),
    pytest.param('r = requests.get("literal", timeout=3)\n', id="literal"),
    pytest.param("r = session.post(*args, **kwargs)\n", id="starred"),
    pytest.param("r = requests.get(timeout=3)\nurl = other.url\n", id="keyword-first"),
    pytest.param("self.url = page\nforget(x + y)\ntarget(a[0])\n", id="not-a-keyword-or-fetch"),
    pytest.param(
        '"""Call it as `stream (key)`."""\nfrom a import b\nv = get(b2)\n',
        id="prose-without-a-call-to-judge",
    ),
    pytest.param("# see http://example.com/licence\nv = q.get(key)\n", id="url-in-a-comment"),
]


@pytest.mark.parametrize("code", TURNED_DOWN)
def test_a_file_without_a_judged_call_is_turned_down(
    tmp_path: Path, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = _context(tmp_path, code)
    assert not may_judge(searched_in(context.read_bytes()))
    assert _findings(context) == []
    assert "python-byte-tree" not in (context.memo or {})  # not parsed
    assert _looked_up(context, monkeypatch) == []


def _library_files() -> Iterator[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(root.rglob("*.py")):
        if "site-packages" not in path.parts and "test" not in path.parts:
            yield path


def test_no_library_file_turned_down_would_look_anything_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    turned_down = judged = 0
    for path in _library_files():
        data = path.read_bytes()
        searched = searched_in(data)
        if not downloads.MAY_FETCH(searched):
            continue
        if may_judge(searched):
            judged += 1
            continue
        turned_down += 1
        context = _context(tmp_path, data)
        assert _looked_up(context, monkeypatch) == [], path
    # the pre-test must matter on real code, and must not turn down everything
    assert turned_down > 20 and judged > 20, (turned_down, judged)


def test_the_look_up_recorder_sees_look_ups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The property above would hold vacuously if the recorder missed look-ups."""
    context = _context(tmp_path, "import settings\nrequests.get(settings.URL)\nget(c['k'])\n")
    assert sorted(_looked_up(context, monkeypatch)) == ["config k", "constant settings.URL"]
