"""Pickle scanning: every protocol, memo tricks, the bypass corpus, truncation, joblib, numpy."""

from __future__ import annotations

import io
import pickle
from collections import OrderedDict
from pathlib import Path

import joblib
import numpy as np
import pytest

from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue
from mlsec_policy.analyzers.model_artifacts.pickle.policy import Verdict, judge
from mlsec_policy.analyzers.model_artifacts.pickle.scan import scan_pickle
from mlsec_policy.analyzers.model_artifacts.source import Memory
from mlsec_policy.models import Severity
from mlsec_policy.policytest import forge
from mlsec_policy.policytest.corpus import BYPASS_TARGETS
from mlsec_policy.policytest.forge import Name


def scan(data: bytes) -> list[Issue]:
    return scan_pickle(Memory(data), "")


def codes(issues: list[Issue]) -> set[tuple[str, str]]:
    return {(i.code, i.detail) for i in issues}


@pytest.mark.parametrize("protocol", range(6))
def test_payload_is_critical_in_every_protocol(protocol: int) -> None:
    issues = scan(forge.dumps({"w": [1.0], "x": forge.payload("touch /tmp/x")}, protocol))
    assert codes(issues) == {("dangerous-import", "os.system")}
    assert issues[0].severity is Severity.CRITICAL
    assert issues[0].snippet == "os.system('touch /tmp/x')"


@pytest.mark.parametrize("protocol", range(6))
def test_stdlib_pickler_output_is_caught_too(protocol: int) -> None:
    import os

    class Payload:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.system, ("id",))

    issues = scan(pickle.dumps([Payload()], protocol=protocol))
    assert ("dangerous-import", "posix.system") in codes(issues)


def test_stack_global_through_the_memo_is_resolved() -> None:
    data = b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94N0h\x00h\x01\x93\x8c\x02id\x85R."
    assert codes(scan(data)) == {("dangerous-import", "os.system")}


def test_stack_global_with_computed_operands_is_unresolved_and_critical() -> None:
    data = (
        b"\x80\x04\x8c\x08builtins\x8c\x03str\x93\x8c\x02os\x85R\x8c\x06system\x93\x8c\x02id\x85R."
    )
    issues = scan(data)
    assert any(i.code == "unresolved-import" and i.severity is Severity.CRITICAL for i in issues)


def test_extension_codes_are_unresolved() -> None:
    data = b"\x80\x02\x82\x01\x8c\x02id\x85R."
    assert any(i.code == "unresolved-import" for i in scan(data))


@pytest.mark.parametrize(("case", "target"), [(c, t) for c, t, _a, _w in BYPASS_TARGETS])
def test_published_bypasses_are_critical(case: str, target: Name) -> None:
    issues = scan(forge.dumps([target("x")], 4))
    severity = {i.detail: i.severity for i in issues}[f"{target.module}.{target.name}"]
    expected = Severity.MEDIUM if case == "unknown-class" else Severity.CRITICAL
    assert severity is expected


def test_unknown_global_is_a_named_warning() -> None:
    issues = scan(forge.dumps({"model": Name("mypackage.nets", "Net")()}, 2))
    assert codes(issues) == {("unlisted-import", "mypackage.nets.Net")}
    assert issues[0].severity is Severity.MEDIUM
    assert "mypackage.nets.Net" in issues[0].message


@pytest.mark.parametrize(
    ("module", "name", "verdict"),
    [
        ("torch._utils", "_rebuild_tensor_v2", Verdict.SAFE),
        ("torch", "FloatStorage", Verdict.SAFE),
        ("torch", "bfloat16", Verdict.SAFE),
        ("collections", "OrderedDict", Verdict.SAFE),
        ("numpy.core.multiarray", "_reconstruct", Verdict.SAFE),
        ("numpy._core.multiarray", "scalar", Verdict.SAFE),
        ("__builtin__", "set", Verdict.SAFE),
        ("sklearn.tree._classes", "DecisionTreeClassifier", Verdict.SAFE),
        ("sklearn.utils", "fetch_thing", Verdict.UNKNOWN),
        ("__builtin__", "eval", Verdict.DANGEROUS),
        ("builtins", "print", Verdict.DANGEROUS),
        ("torch", "load", Verdict.DANGEROUS),
        ("torch.serialization", "os.system", Verdict.DANGEROUS),
        ("collections", "OrderedDict.__init__", Verdict.DANGEROUS),
        ("os.path", "join", Verdict.DANGEROUS),
        ("copy_reg", "_reconstructor", Verdict.SAFE),
    ],
)
def test_allowlist_first_verdicts(module: str, name: str, verdict: Verdict) -> None:
    assert judge(module, name)[0] is verdict


def test_truncated_stream_is_unverifiable_and_names_what_came_before() -> None:
    whole = forge.dumps([forge.payload(), list(range(500))], 2)
    issues = scan(whole[: len(whole) // 2])
    assert ("dangerous-import", "os.system") in codes(issues)
    broken = [i for i in issues if i.concern is Concern.UNVERIFIABLE]
    assert [i.code for i in broken] == ["truncated"]
    assert broken[0].severity is Severity.HIGH
    assert "os.system" in broken[0].message


def test_corrupt_stream_is_unverifiable() -> None:
    issues = scan(b"\x80\x02]q\x00(K\x01\xffK\x02e.")
    assert [i.code for i in issues] == ["corrupt"]


def test_several_pickles_in_one_stream_are_all_read() -> None:
    data = forge.dumps({"a": 1}, 2) + forge.dumps(forge.payload(), 4)
    assert codes(scan(data)) == {("dangerous-import", "os.system")}


def test_trailing_bytes_after_the_last_pickle_are_reported() -> None:
    issues = scan(forge.dumps({"a": 1}, 2) + b"\xff\xfe junk")
    assert [(i.code, i.severity) for i in issues] == [("trailing-data", Severity.MEDIUM)]


def test_benign_state_dict_and_ordered_dict_are_not_flagged() -> None:
    state = forge.state_dict({"w": (3, 3), "b": (3,)})
    for protocol in (2, 4, 5):
        assert scan(forge.dumps(state, protocol)) == []
    assert scan(pickle.dumps(OrderedDict(a=1, b=[1.5, "x"]), protocol=2)) == []


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_real_numpy_pickles_are_not_flagged(protocol: int) -> None:
    values = {
        "w": np.random.default_rng(0).random((64, 32)).astype("f4"),
        "s": np.array(["a", "bc"]),
        "rec": np.zeros(2, dtype=[("a", "f4"), ("b", "i8")]),
        "rng": np.random.RandomState(0),
        "scalar": np.float32(1.5),
    }
    assert scan(pickle.dumps(values, protocol=protocol)) == []


@pytest.mark.parametrize("compress", [0, 3, ("gzip", 3), ("bz2", 3), ("xz", 3), ("lzma", 3)])
def test_real_joblib_files_are_read_past_their_array_data(tmp_path: Path, compress: object) -> None:
    from mlsec_policy.analyzers.model_artifacts.context import Limits
    from mlsec_policy.analyzers.model_artifacts.scan import scan_path

    path = tmp_path / "model.joblib"
    values = {"w": np.arange(100_000, dtype="f8"), "names": np.array(["x", "y"]), "n": 3}
    joblib.dump(values, path, compress=compress)
    assert scan_path(path, "model.joblib", tmp_path, Limits()) == ()


def test_joblib_object_arrays_are_scanned_as_nested_pickles() -> None:
    buffer = io.BytesIO()
    joblib.dump({"o": np.array([1, "x"], dtype=object), "w": np.ones(10)}, buffer)
    assert scan(buffer.getvalue()) == []
    evil = forge.dumps({"w": [1.0], "x": forge.payload()}, 4)
    assert codes(scan(buffer.getvalue() + evil)) == {("dangerous-import", "os.system")}


def test_nested_checkpoint_bytes_are_scanned_instead_of_trusted() -> None:
    inner = forge.dumps(forge.payload(), 2)
    outer = forge.dumps({"s": Name("torch.storage", "_load_from_bytes")(inner)}, 2)
    issues = scan_pickle(Memory(outer), "", lambda source, member: scan_pickle(source, "<bytes>"))
    assert ("dangerous-import", "os.system") in codes(issues)
    assert not any(i.detail == "torch.storage._load_from_bytes" for i in issues)
