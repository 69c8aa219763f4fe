"""Each semgrep rule runs only on the files whose words it could match (gates per rule and file).

The word index must find exactly what a plain substring search finds; a scan with gates must
report the same hits as one without, while semgrep really runs fewer rule-file pairs; and a
syntax error concerns only the checks whose rule passes the broken file's gate, whatever other
rules the scan holds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import EngineOutput, Workspace
from mlsec_policy.engines.semgrep import gates, subsets
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.engine import SemgrepEngine
from mlsec_policy.engines.semgrep.prefilter import formula, may_match
from mlsec_policy.engines.semgrep.regex_words import FOLDED
from mlsec_policy.engines.semgrep.target import Target, read_scanned, words_reliable
from mlsec_policy.engines.semgrep.targetpaths import TargetPaths
from mlsec_policy.engines.semgrep.wordformula import words
from mlsec_policy.models import Hit
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from tests.conftest import REPO
from tests.support.semgrep_runs import record_semgrep_rules

FIXTURES = REPO / "policies" / "controls"


def _fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*/*/tests/**/*.py") if p.is_file())


def _pack_words() -> list[bytes]:
    policy = load_policy(("builtin",), ANALYZERS)
    return sorted(
        {w for c in policy.checks(SemgrepCheck) for w in words(formula(c.rule, located=False))}
    )


def _naive(words: Sequence[bytes], text: bytes) -> frozenset[bytes]:
    lowered = text.lower()
    return frozenset(
        w for w in words if (w[len(FOLDED) :] in lowered if w.startswith(FOLDED) else w in text)
    )


def test_the_word_index_finds_what_a_substring_search_finds() -> None:
    """Over every Python fixture and a few awkward texts, the index agrees with ``in``."""
    words = [*_pack_words(), b"pickle", FOLDED + b"load", b"a.b", FOLDED + b'"x"', b"(x)"]
    index = gates.WordIndex(words)
    texts = [p.read_bytes() for p in _fixture_files()]
    texts += [
        b"",
        b"PICKLE LoAd a.b",
        b'X = "X"\n(x)',
        b"unpickler\xff\xfe\x00pickled",
        "é pickle é".encode(),
    ]
    assert len(texts) > 100
    for text in texts:
        assert index.found(text) == _naive(words, text), text[:80]


def test_the_located_index_decides_every_rule_as_may_match_does() -> None:
    """The gate's marked words (code only, names outside strings) agree with ``may_match``.

    Over every Python fixture and texts where a rule's words lie only in a license header, a
    docstring, a comment, a plain string or an f-string's field, each rule's located formula
    holds by :class:`gates.LocatedIndex` exactly when :func:`may_match` says the rule may match.
    """
    policy = load_policy(("builtin",), ANALYZERS)
    required = {c.id: formula(c.rule) for c in policy.checks(SemgrepCheck)}
    index = gates.LocatedIndex(w for found in required.values() for w in words(found))
    texts = [p.read_bytes() for p in _fixture_files()]
    for text in list(texts):
        # the same code behind a header, inside a docstring and as comments
        texts.append(b"# http://example.org requests.get session trust_remote_code\n" + text)
        texts.append(b'"""' + text.replace(b'"""', b"") + b'"""\n')
        texts.append(b"".join(b"# " + line + b"\n" for line in text.splitlines()))
    texts += [
        b'x = "requests.get(url)"\nprint(f"{requests.get(url)}")\n',
        b"s = '''unterminated\nrequests.get(u)\n",
        b'f"{d["k"]}"\nimport requests as r\nr.post(url=model.generate(x))\n',
        b'from fastapi import FastAPI\napp = FastAPI()\n@app.post(\n    "/x"\n)\ndef f(body):\n'
        b'    return {"p": model.predict_proba(body)}\n',
        b'from api import get as g\n@g("/x")\ndef f(): pass\n',
        b'import requests\nrequests.get("ht" + "tp://a.example.com/m.bin")\n',
        b'import requests\nS = "ftp:/"\nrequests.get(f"{S}/a.example.com/m.bin")\n',
    ]
    marked = [w for found in required.values() for w in words(found) if w[:1] in b"\x01\x02"]
    assert len(marked) > 50, "the pack has located words to test"
    assert {w[:1] for found in required.values() for w in words(found)} >= {b"\x03", b"\x04"}
    decided = {True: 0, False: 0}
    for text in texts:
        present = index.found(text)
        for rule_id, found in required.items():
            expected = may_match(found, text)
            assert gates.satisfied(found, present) == expected, (rule_id, text[:120])
            decided[expected] += 1
    assert decided[True] > 100 and decided[False] > 100


def test_texts_learned_together_find_what_each_text_alone_finds() -> None:
    """``found_each`` (new runs learned a batch at a time) answers as ``found`` text by text."""
    policy = load_policy(("builtin",), ANALYZERS)
    located = sorted({w for c in policy.checks(SemgrepCheck) for w in words(formula(c.rule))})
    texts = [p.read_bytes() for p in _fixture_files()]
    texts += [b"# requests.get header\n" + text for text in texts[:40]]
    texts += [b'x = "trust_remote_code"\n', b"", b"s = '''open\nrequests.get(u)\n"]
    alone, together = gates.LocatedIndex(located), gates.LocatedIndex(located)
    expected = [alone.found(text) for text in texts]
    found = [f for n in range(0, len(texts), 7) for f in together.found_each(texts[n : n + 7])]
    assert found == expected
    assert sum(1 for f in expected if f) > 100, "most texts hold some word"


def _scan(tree: Path, scratch: Path, ids: set[str] | None = None) -> EngineOutput:
    policy = load_policy(("builtin",), ANALYZERS)
    checks = [c for c in policy.checks(SemgrepCheck) if ids is None or c.id in ids]
    engine = SemgrepEngine(SemgrepSettings(jobs=1), policy.severities())
    scratch.mkdir()
    return engine.run(checks, discover(tree), Workspace(tree, scratch))


def _keys(hits: Sequence[Hit]) -> list[str]:
    return sorted(repr(hit) for hit in hits)


def _excluded_pairs(runs: Sequence[tuple[dict[str, Any], list[str]]]) -> int:
    """Rule-target pairs the runs' ``paths: exclude`` patterns take out (names as semgrep)."""
    cut = 0
    for rules, targets in runs:
        names = [Path(t).name for t in targets]
        for rule in rules.values():
            patterns = set(rule.get("paths", {}).get("exclude", []))
            cut += sum(f"/{name}" in patterns for name in names)
    return cut


@pytest.fixture(scope="module")
def fixture_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every Python fixture of the pack in one tree, each under a name of its own.

    semgrep takes a rule off a run's files by name, and only when no file of that name in the
    run needs it: unique names let the gates cut every pair they can.
    """
    tree = tmp_path_factory.mktemp("fixtures")
    for number, source in enumerate(_fixture_files()):
        folder = tree / f"f{number // 40}"
        folder.mkdir(exist_ok=True)
        shutil.copyfile(source, folder / f"{number}-{source.name}")
    return tree


def test_gates_give_the_same_hits_and_cut_pairs(
    fixture_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On every Python fixture at once: the same hits with gates on and off, fewer pairs on."""
    runs = record_semgrep_rules(monkeypatch)
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_GATES", "0")
    off = _scan(fixture_tree, tmp_path / "off")
    assert _excluded_pairs(runs) == 0
    started = len(runs)
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_GATES", "1")
    on = _scan(fixture_tree, tmp_path / "on")
    assert _excluded_pairs(runs[started:]) > 100, "the gates must keep rules off files"
    assert len(on.hits) > 50
    assert _keys(on.hits) == _keys(off.hits)


BROKEN = "import pickle\nobj = pickle.loads(blob)\n)))) ((( def def class\n"
"""A syntax error in a file the pickle rule's words reach, and not the YAML rule's."""


def _parse_errors(output: EngineOutput) -> list[tuple[str | None, tuple[str, ...]]]:
    return sorted(
        (e.path, e.control_ids) for e in output.errors if e.kind in ("parse-error", "partial-parse")
    )


def test_a_syntax_error_concerns_the_rules_that_pass_the_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broken file's error names the pickle control alone, whatever rules ran beside it.

    The YAML rule (``yaml.load``) cannot match the file whatever its parse: its control is
    verified there, in a scan with both rules and in a scan with the YAML rule alone (which
    does not make semgrep parse the file at all). Without gates the error named both.
    """
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "broken.py").write_text(BROKEN, encoding="utf-8")
    (tree / "clean.py").write_text("import yaml\nyaml.load(x)\n", encoding="utf-8")
    both = {"pickle-family-load", "yaml-unsafe-load"}
    pickle_control = ("MLSEC-LOAD-02",)
    full = _scan(tree, tmp_path / "full", both)
    assert _parse_errors(full) == [("broken.py", pickle_control)]
    alone = _scan(tree, tmp_path / "alone", {"yaml-unsafe-load"})
    assert _parse_errors(alone) == []
    assert [h.observation.location.path for h in alone.hits] == ["clean.py"]
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_GATES", "0")
    ungated = _parse_errors(_scan(tree, tmp_path / "ungated", both))
    assert len(ungated) == 1 and len(ungated[0][1]) == 2, ungated


def test_an_exclusion_is_written_only_where_every_target_of_that_name_fails(
    tmp_path: Path,
) -> None:
    """Outside git, two targets named alike: a rule leaves the name only when it passes neither."""
    batch = ["a/x.py", "b/x.py", "c/y.py", "d/we[ir]d.py"]
    wants = {"a/x.py": frozenset({"r1"}), "b/x.py": frozenset(), "c/y.py": frozenset()}
    found = gates.excludes(batch, wants, ["r1", "r2"], TargetPaths(tmp_path))
    assert found == {"r1": ["/y.py"], "r2": ["/x.py", "/y.py"]}, "never a name needing escapes"


def test_exclusions_add_to_a_rules_own_paths(tmp_path: Path) -> None:
    """A rule's own ``paths`` are kept; the gate's names are added to its ``exclude``."""
    policy = load_policy(("builtin",), ANALYZERS)
    check = policy.checks(SemgrepCheck)[0]
    paths: dict[str, Any] = {"include": ["*.py"], "exclude": ["/z.py"]}
    own = replace(check, rule={**check.rule, "paths": paths})
    path = tmp_path / "rules.json"
    write_rules(path, [own], policy.severities(), {own.id: ["/x.py"]})
    rule = json.loads(path.read_text(encoding="utf-8"))["rules"][0]
    assert rule["paths"] == {"include": ["*.py"], "exclude": ["/z.py", "/x.py"]}


UNRELIABLE = {
    "utf16.py": "import pickle\nobj = pickle.loads(blob)\n".encode("utf-16"),
    "latin1.py": b"# caf\xe9\nimport yaml\n",
}
"""Texts whose words a byte search cannot trust (:func:`.target.words_reliable`)."""


def test_a_text_whose_words_cannot_be_trusted_passes_every_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gates decide each target as the rule-by-rule test did, reliability asked once.

    The reference is the old expression, per rule: the rule passes when its gate passes the
    words found, or when the text is not UTF-8 (``words_reliable`` asked for every rule).
    """
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "broken.py").write_text(BROKEN, encoding="utf-8")
    (tree / "clean.py").write_text("import json\nprint(json.dumps({}))\n", encoding="utf-8")
    for name, data in UNRELIABLE.items():
        (tree / name).write_bytes(data)
    compared: list[tuple[str, frozenset[str], frozenset[str], int]] = []
    real = subsets._gated

    def checked(
        targets: Sequence[Target],
        checks: Sequence[SemgrepCheck],
        severities: Any,
        known: Any,
        applicable: dict[str, list[SemgrepCheck]],
        root: Path,
        scratch: Path,
    ) -> subsets.Selection:
        selection = real(targets, checks, severities, known, applicable, root, scratch)
        for target in targets:
            text = read_scanned(target, root)
            (present,) = known.index.found_each([text])
            expected = frozenset(
                c.id
                for c in applicable[target.scanned]
                if known.passing(c, present) or not words_reliable(text)
            )
            wants = selection.wants[target.scanned]
            compared.append((target.scanned, wants, expected, len(applicable[target.scanned])))
        return selection

    monkeypatch.setattr(subsets, "_gated", checked)
    _scan(tree, tmp_path / "scratch")
    assert {name for name, *_ in compared} >= {"broken.py", "clean.py", *UNRELIABLE}
    for name, wants, expected, applicable in compared:
        assert wants == expected, name
        if name in UNRELIABLE:
            assert len(wants) == applicable > 10, name
    clean = [(len(w), n) for name, w, _, n in compared if name == "clean.py"]
    assert all(wanted < applicable for wanted, applicable in clean), "the gates cut rules"
