"""Valid control files' parsed documents, kept in the result store: the next load parses none.

A changed control or rule is read afresh, a damaged entry is a miss (the file is parsed again),
and a control file that links out of its pack is refused even when its bytes are known.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import mlsec_policy.policy.loader as loader
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cache import ResultStore
from mlsec_policy.cache.memo import StoreMemo
from mlsec_policy.cache.store import FOLDER
from mlsec_policy.errors import PolicyErrors
from mlsec_policy.policy import Policy, SemgrepCheck, collect, load_policy
from mlsec_policy.yamlpos import Document
from tests.test_policy_loader import GOOD_CONTROL, make_pack


class Parses:
    """Counts the control files the loader parses (the real parser still runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = collect.read_yaml

        def counted(*args: object, **kwargs: object) -> Document | None:
            self.count += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(loader, "read_yaml", counted)


def _load(sources: tuple[str, ...], cache: Path) -> Policy:
    memo = StoreMemo(ResultStore(cache, 1 << 30))
    return load_policy(sources, ANALYZERS, memo, memo)


def _rule(policy: Policy) -> object:
    (check,) = policy.checks(SemgrepCheck)
    return check.rule


def test_the_bundled_pack_loads_the_same_without_parsing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_policy(("builtin",), ANALYZERS)
    parses = Parses(monkeypatch)
    assert _load(("builtin",), tmp_path) == fresh
    first = parses.count
    assert first >= len(fresh.controls)
    assert _load(("builtin",), tmp_path) == fresh
    assert parses.count == first  # no control file parsed again


def test_a_changed_rule_is_read_afresh(tmp_path: Path) -> None:
    root = make_pack(tmp_path / "pack", GOOD_CONTROL)
    first = _load((str(root),), tmp_path / "cache")
    assert "pickle.load(...)" in str(_rule(first))
    control = root / "controls" / "c" / "control.yaml"
    control.write_text(GOOD_CONTROL.replace("pickle.load(", "pickle.loads("), encoding="utf-8")
    changed = _load((str(root),), tmp_path / "cache")
    assert "pickle.loads(...)" in str(_rule(changed))
    assert changed == load_policy((str(root),), ANALYZERS)
    control.write_text(GOOD_CONTROL.replace("phase: model-storage", "phase: nowhere"), "utf-8")
    with pytest.raises(PolicyErrors) as caught:
        _load((str(root),), tmp_path / "cache")
    assert "unknown phase" in caught.value.diagnostics()


@pytest.mark.parametrize(
    "damage",
    [
        lambda body: body[:-5],  # cut short
        lambda body: b'"not a document"',
        lambda body: b"[1,2]",
        lambda body: b'"[{},[[\\"x\\"]],[],1]"',  # a position without its line and column
    ],
)
def test_a_damaged_document_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    root = make_pack(tmp_path / "pack", GOOD_CONTROL)
    fresh = load_policy((str(root),), ANALYZERS)
    _load((str(root),), tmp_path / "cache")
    store = ResultStore(tmp_path / "cache", 1 << 30)
    damaged = 0
    for entry in (tmp_path / "cache" / FOLDER).rglob("*"):
        value = store.get(entry.parent.name + entry.name) if entry.is_file() else None
        if isinstance(value, str):  # the document's entry
            body = value.encode()
            header = entry.read_bytes().partition(b"\n")[0]
            new = damage(body)  # type: ignore[operator]
            fields = header.split(b" ")  # a valid header for the damaged body
            fields[3] = hashlib.sha256(new).hexdigest().encode()
            entry.write_bytes(b" ".join(fields) + b"\n" + new)
            damaged += 1
    assert damaged == 1
    parses = Parses(monkeypatch)
    assert _load((str(root),), tmp_path / "cache") == fresh
    assert parses.count == 1  # the control file: parsed again


def test_a_control_linking_out_of_its_pack_is_refused_though_its_bytes_are_known(
    tmp_path: Path,
) -> None:
    root = make_pack(tmp_path / "pack", GOOD_CONTROL)
    _load((str(root),), tmp_path / "cache")
    outside = tmp_path / "outside.yaml"
    outside.write_text(GOOD_CONTROL, encoding="utf-8")
    other = make_pack(tmp_path / "other", "placeholder: 1\n")
    link = other / "controls" / "c" / "control.yaml"
    link.unlink()
    link.symlink_to(outside)
    with pytest.raises(PolicyErrors) as caught:
        _load((str(other),), tmp_path / "cache")
    assert "link to a file outside the policy pack" in caught.value.diagnostics()
