"""Only results that would come out the same again are kept: time-outs and crashes are not."""

from __future__ import annotations

from pathlib import Path

from mlsec_policy.analyzers.base import AnalyzerError, FileSkipped
from mlsec_policy.cache import ResultStore
from mlsec_policy.engines.native_cached import LARGEST_HASHED, NativeCache
from mlsec_policy.engines.semgrep.cached import SemgrepCache
from mlsec_policy.engines.semgrep.target import Target
from mlsec_policy.models import Artifact, ArtifactKind, Hit, Location, Observation, ScanError
from mlsec_policy.options import SemgrepSettings
from tests.conftest import write_tree

A = Artifact("a.py", ArtifactKind.PYTHON, 10)
B = Artifact("b.py", ArtifactKind.PYTHON, 10)


def _semgrep_cache(tmp_path: Path) -> tuple[SemgrepCache, ResultStore]:
    root = write_tree(tmp_path / "t", {"a.py": "x = 1\n", "b.py": "y = 2\n"})
    binary = write_tree(tmp_path / "bin", {"semgrep": "#!/bin/sh\n"}) / "semgrep"
    store = ResultStore(tmp_path / "cache", 1 << 20)
    cache = SemgrepCache(store, [], {}, SemgrepSettings(), binary)
    misses, reused = cache.split([A, B], root)
    assert (misses, reused) == ([A, B], [])  # semgrep's version is not known yet
    return cache, store


def _error(path: str | None, kind: str) -> ScanError:
    return ScanError("semgrep", kind, "m", path=path)


def test_a_time_out_keeps_its_file_out_of_the_cache(tmp_path: Path) -> None:
    cache, store = _semgrep_cache(tmp_path)
    hit = Hit("C", "c", Observation(Location("a.py", 1)))
    targets = [Target(A, "a.py", None), Target(B, "b.py", None)]
    cache.learned("1.0")
    cache.keep(
        targets, [hit], [_error("a.py", "timeout"), _error("b.py", "parse-error")], [], "1.0"
    )
    assert (
        store.stats.written == 2
    )  # the version, and b.py: a syntax error is given again for the same bytes
    misses, reused = cache.split([A, B], tmp_path / "t")
    assert misses == [A]
    assert [r.errors for r in reused] == [(_error("b.py", "parse-error"),)]


def test_an_error_tied_to_no_file_keeps_the_whole_batch_out(tmp_path: Path) -> None:
    cache, store = _semgrep_cache(tmp_path)
    targets = [Target(A, "a.py", None), Target(B, "b.py", None)]
    cache.keep(targets, [], [_error(None, "engine-error")], [], "1.0")
    assert store.stats.written == 0


def test_another_semgrep_version_is_noticed(tmp_path: Path) -> None:
    cache, _store = _semgrep_cache(tmp_path)
    assert cache.learned("1.0") is False  # nothing was assumed
    assert cache.learned("1.0") is True
    assert cache.learned("2.0") is False


def test_a_crashed_analyzer_is_run_again(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", {"a.py": "x = 1\n"})
    store = ResultStore(tmp_path / "cache", 1 << 20)
    cache = NativeCache(store, root, frozenset({"C"}))
    work = [("one", "{}", "a.py"), ("two", "{}", "a.py")]
    key = cache.key(A, work)
    assert key is not None
    cache.keep(key, {work[0]: ([], None), work[1]: ([], OSError("disk went away"))})
    assert store.stats.written == 0
    seen = Observation(Location("a.py", 1), "m")
    kept = {
        work[0]: ([seen], FileSkipped("a template")),
        work[1]: ([], AnalyzerError("bad", line=3)),
    }
    cache.keep(key, kept)
    loaded = cache.load(key, work)
    assert loaded is not None
    assert loaded[work[0]][0] == [seen]
    assert isinstance(loaded[work[0]][1], FileSkipped)
    failure = loaded[work[1]][1]
    assert isinstance(failure, AnalyzerError) and (failure.message, failure.line) == ("bad", 3)
    assert cache.load(key, work[:1]) is None  # an entry for other work is a miss


def test_the_files_an_analyzer_also_reads_join_its_key(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", {"a.py": "x = 1\n", "README.md": "# Acme\n"})
    work = [("one", "{}", "a.py")]

    def key() -> str | None:
        return NativeCache(ResultStore(tmp_path / "c", 1 << 20), root, frozenset()).key(
            A, work, ["README.md", "pyproject.toml"]
        )

    first = key()
    assert key() == first
    (root / "README.md").write_text("# Acme, see https://acme.example\n", encoding="utf-8")
    second = key()
    assert second != first
    (root / "pyproject.toml").write_text('[project]\nname = "acme"\n', encoding="utf-8")
    assert key() not in {first, second}
    cache = NativeCache(ResultStore(tmp_path / "c", 1 << 20), root, frozenset())
    assert cache.key(A, work) != key()  # without the files it is another key


def test_a_file_too_large_to_hash_every_scan_has_no_key(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", {"data.csv": "email\na@example.org\n"})
    cache = NativeCache(ResultStore(tmp_path / "c", 1 << 20), root, frozenset())
    work = [("one", "{}", "data.csv")]
    small = Artifact("data.csv", ArtifactKind.DATA_FILE, 20)
    assert cache.key(small, work) is not None
    huge = Artifact("data.csv", ArtifactKind.DATA_FILE, LARGEST_HASHED + 1)
    assert cache.key(huge, work) is None
