"""Cached file analyzers read other files of the target only through recorded reads.

Every cached file analyzer runs, with every parameter set the bundled policy gives it, over
every fixture case of the bundled controls, while a Python audit hook watches each file opened
and each folder listed: one under the case's folder that is neither the analyzed file, nor a
file the analyzer recorded reading (:mod:`mlsec_policy.analyzers.reads`) before opening it, nor
one its spec declares in ``also_reads``, fails the test. A cached result that silently depends
on an unrecorded file would be served stale by the result cache.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.base import AnalyzerError, FileContext, FileSkipped
from mlsec_policy.analyzers.reads import ReadLog, ScanReads
from mlsec_policy.discover import discover
from mlsec_policy.policy.loader import load_policy
from mlsec_policy.policy.model import NativeCheck


@dataclass
class _Watch:
    """What the audit hook compares against while one analyzer runs on one file."""

    root: Path | None = None
    own: Path | None = None
    log: ReadLog | None = None
    allowed: frozenset[Path] = frozenset()
    unrecorded: list[str] = field(default_factory=list)


WATCH = _Watch()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if WATCH.root is None or event not in {"open", "os.listdir", "os.scandir"}:
        return
    target = args[0] if args else None
    if not isinstance(target, str | Path):
        return
    path = Path(target).absolute()
    if not path.is_relative_to(WATCH.root) or path == WATCH.own or path in WATCH.allowed:
        return
    recorded = {
        WATCH.root / name
        for kind, name, _value in (WATCH.log.dependencies() if WATCH.log else ())
        if kind == "file"
    }
    if event == "open" and path in recorded:
        return
    WATCH.unrecorded.append(f"{event} {path.relative_to(WATCH.root)}")


sys.addaudithook(_audit)


def _runs() -> Iterator[tuple[str, NativeCheck, Path]]:
    policy = load_policy(("builtin",), ANALYZERS)
    for control in policy.controls:
        folder = control.path if control.path.is_dir() else control.path.parent
        cases = sorted(p for p in (folder / "tests").glob("*") if p.is_dir())
        for check in control.checks:
            if not isinstance(check, NativeCheck):
                continue
            spec = ANALYZERS[check.analyzer]
            if spec.file is None or not spec.cached:
                continue
            for case in cases:
                yield check.analyzer, check, case


RUNS = sorted(_runs(), key=lambda run: (run[0], run[1].id, str(run[2])))


@pytest.mark.parametrize(
    ("name", "check", "case"),
    RUNS,
    ids=[f"{name}:{check.id}:{case.parent.parent.name}/{case.name}" for name, check, case in RUNS],
)
def test_a_cached_analyzer_records_every_other_file_it_reads(
    name: str, check: NativeCheck, case: Path
) -> None:
    spec = ANALYZERS[name]
    assert spec.file is not None
    root = case.resolve()
    inventory = discover(root)
    shared = ScanReads(root, inventory.artifacts)
    for artifact in inventory.artifacts:
        if artifact.kind not in spec.kinds:
            continue
        log = ReadLog()
        context = FileContext(
            root, artifact, listing=inventory.artifacts, memo={}, reads=log, scan=shared
        )
        WATCH.root, WATCH.own, WATCH.log = root, (root / artifact.path).absolute(), log
        WATCH.allowed = frozenset(root / name for name in spec.also_reads)
        WATCH.unrecorded = []
        try:
            list(spec.file(context, check.params))
        except (AnalyzerError, FileSkipped, OSError, ValueError):
            pass
        finally:
            WATCH.root = None
        assert WATCH.unrecorded == [], f"{name} on {artifact.path}: unrecorded reads"
