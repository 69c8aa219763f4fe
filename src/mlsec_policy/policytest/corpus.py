"""A corpus of generated model files — benign ones and known bypasses — for self-tests.

Each case is built on demand by :mod:`.forge` (nothing is committed, nothing is ever loaded).
The malicious cases follow the published advisories against picklescan, ModelScan and
fickling: deny-list gaps, memo indirection, extension confusion and zip-header tricks. The
differential test and ``benchmarks/model_differential.py`` run every scanner over it.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

from mlsec_policy.policytest import forge
from mlsec_policy.policytest.forge import Name


@dataclass(frozen=True)
class Case:
    """One generated file and what it is."""

    name: str
    filename: str
    build: Callable[[], bytes]
    malicious: bool
    note: str
    reasons: tuple[str, ...] = ()
    """Why a scan must flag it: issue keys ``code`` or ``code:detail`` that must all be found
    (``dangerous-import:os.system``), so a catch for some other reason does not count."""


OS_SYSTEM = "dangerous-import:os.system"


def _p(target: Name, arg: object = "id", protocol: int = 4) -> Callable[[], bytes]:
    return lambda: forge.dumps({"w": [0.5], "x": target(arg)}, protocol)


def _memo_indirect() -> bytes:
    return b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94N0h\x00h\x01\x93\x8c\x02id\x85R."


def _stack_global_computed() -> bytes:
    # the module name is produced by a call, so no scanner can know it statically
    concat = b"\x8c\x08builtins\x8c\x03str\x93\x8c\x02os\x85R"
    return b"\x80\x04" + concat + b"\x8c\x06system\x93\x8c\x02id\x85R."


def _torch(obj: object, **kwargs: object) -> Callable[[], bytes]:
    return lambda: forge.torch_zip(obj, **kwargs)  # type: ignore[arg-type]


def _evil_state() -> OrderedDict[str, object]:
    state = forge.state_dict({"w": (2, 2)})
    state["x"] = forge.payload()
    return state


def _name_mismatch() -> bytes:
    archive = forge.torch_zip(_evil_state())
    return forge.rename_local_header(archive, "archive/data.pkl", "archive/data.txt")


def _bad_crc() -> bytes:
    data = bytearray(forge.torch_zip(_evil_state()))
    central = data.rindex(b"PK\x01\x02", 0, len(data))
    first = data.index(b"PK\x01\x02")
    for at in (first, central):
        data[at + 16 : at + 20] = b"\xde\xad\xbe\xef"
    local = data.index(b"PK\x03\x04")
    data[local + 14 : local + 18] = b"\xde\xad\xbe\xef"
    return bytes(data)


def _flag_bits() -> bytes:
    data = bytearray(forge.torch_zip(_evil_state()))
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        data[position + 8] |= 1  # central directory: "encrypted"
        position += 4
    return bytes(data)


def _no_central_directory() -> bytes:
    data = forge.torch_zip(_evil_state())
    return data[: data.index(b"PK\x01\x02")]


def _hidden_entry() -> bytes:
    visible = forge.zip_of({"model/weights.bin": bytes(8)})
    hidden = forge.zip_of({"model/extra.pkl": forge.dumps(forge.payload(), 2)})
    local = hidden[: hidden.index(b"PK\x01\x02")]
    central_at = visible.index(b"PK\x01\x02")
    end_at = visible.index(b"PK\x05\x06")
    central = visible[central_at:end_at]
    offset = struct.unpack("<I", central[42:46])[0]
    shifted = central[:42] + struct.pack("<I", offset + len(local)) + central[46:]
    end = bytearray(visible[end_at:])
    end[16:20] = struct.pack("<I", central_at + len(local))
    return local + visible[:central_at] + shifted + bytes(end)


def _zlib_joblib() -> bytes:
    return zlib.compress(forge.dumps({"model": forge.payload()}, 4))


def _torch_legacy(payload: object) -> bytes:
    magic = forge.dumps(0x1950A86A20F9469CFC6C, 2)
    return (
        magic
        + forge.dumps(1001, 2)
        + forge.dumps({"protocol_version": 1001, "little_endian": True}, 2)
        + forge.dumps(payload, 2)
        + forge.dumps([], 2)
    )


def _keras_config(extra: dict[str, object]) -> Callable[[], bytes]:
    return lambda: forge.keras_zip(forge.keras_dense_config([extra]))


def _stored_zip(members: dict[str, bytes]) -> bytes:
    return forge.zip_of(members, compress=False)


BYPASS_TARGETS: tuple[tuple[str, Name, object, str], ...] = (
    ("os-system", Name("os", "system"), "id", "the classic payload"),
    ("posix-system", Name("posix", "system"), "id", "os under its POSIX name"),
    ("builtins-exec", Name("builtins", "exec"), "print(1)", "exec of a code string"),
    ("builtins-getattr", Name("builtins", "getattr"), "x", "getattr gadget"),
    ("subprocess-popen", Name("subprocess", "Popen"), "id", "subprocess"),
    ("runpy", Name("runpy", "_run_code"), "print(1)", "runpy._run_code"),
    ("pkgutil-resolve-name", Name("pkgutil", "resolve_name"), "os:system", "GHSA-vvpj-8cmc-gx39"),
    ("pip-main", Name("pip", "main"), ["install", "evil"], "CVE-2025-1716"),
    ("ensurepip-run-pip", Name("ensurepip", "_run_pip"), ["install"], "GHSA-xp4f-hrf8-rxw7"),
    ("timeit", Name("timeit", "timeit"), "print(1)", "GHSA-v7x6-rv5q-mhwc"),
    ("operator-attrgetter", Name("operator", "attrgetter"), "system", "GHSA-m273-6v24-x4m4"),
    ("operator-methodcaller", Name("_operator", "methodcaller"), "system", "GHSA-955r-x9j8-7rhh"),
    ("profile-run", Name("profile", "run"), "print(1)", "GHSA-46h3-79wf-xr6c"),
    ("cprofile-run", Name("cProfile", "run"), "print(1)", "GHSA-46h3-79wf-xr6c"),
    ("trace-run", Name("trace", "Trace.run"), "print(1)", "GHSA-4675-36f9-wf6r"),
    ("pdb-run", Name("pdb", "run"), "print(1)", "debugger"),
    ("nested-pickle", Name("pickle", "loads"), b"cos\nsystem\n.", "GHSA-84r2-jw7c-4r5q"),
    ("venv-create", Name("venv", "create"), "/tmp/x", "GHSA-vqmv-47xg-9wpr"),
    ("socket", Name("socket", "create_connection"), ("127.0.0.1", 1), "GHSA-hgrh-qx5j-jfwx"),
    ("idlelib", Name("idlelib.pyshell", "ModifiedInterpreter.runcode"), "x", "GHSA-r8g5-cgf2-4m4m"),
    ("lib2to3", Name("lib2to3.pgen2.grammar", "Grammar.loads"), b"x", "GHSA-r8g5-cgf2-4m4m"),
    (
        "asyncio-subprocess",
        Name("asyncio.subprocess", "create_subprocess_shell"),
        "id",
        "CVE-2025-10157",
    ),
    ("importlib", Name("importlib", "import_module"), "os", "string → module resolver"),
    ("marshal", Name("marshal", "loads"), b"c", "code objects (picklescan PR #74)"),
    ("functools-partial", Name("functools", "partial"), "x", "binds callables"),
    ("types-codetype", Name("types", "CodeType"), "x", "code object construction"),
    ("cloudpickle", Name("cloudpickle.cloudpickle", "_make_function"), "x", "function rebuild"),
    ("torch-load", Name("torch.serialization", "load"), "x.pt", "nested checkpoint"),
    ("shutil-rmtree", Name("shutil", "rmtree"), "/", "saferpickle#1"),
    ("pty-spawn", Name("pty", "spawn"), "sh", "fickling PR #108"),
    ("webbrowser", Name("webbrowser", "open"), "http://x", "opens URLs"),
    ("ctypes", Name("ctypes", "CDLL"), "libc.so.6", "native code"),
    ("numpy-runstring", Name("numpy.testing._private.utils", "runstring"), "x", "exec alias"),
    ("io-fileio", Name("_io", "FileIO"), "/etc/passwd", "file read"),
    ("uuid-command", Name("uuid", "_get_command_stdout"), "id", "runs commands"),
    ("dotted-traversal", Name("torch.serialization", "os.system"), "id", "attribute walk"),
    ("unknown-class", Name("mypackage.models", "Net"), (), "not on any list: a warning"),
)
"""(case id, import, argument, advisory or why)."""


def cases() -> list[Case]:
    """Return the corpus, benign cases first."""
    benign_state = forge.state_dict({"encoder.weight": (4, 8), "encoder.bias": (4,)})
    corpus = [
        Case(
            "benign-pickle",
            "model.pkl",
            lambda: forge.dumps({"a": [1, 2.5, "x"]}, 4),
            False,
            "plain data",
        ),
        Case("benign-torch-zip", "pytorch_model.bin", _torch(benign_state), False, "state dict"),
        Case(
            "benign-torch-zip-p4", "model.pt", _torch(benign_state, protocol=4), False, "protocol 4"
        ),
        Case(
            "benign-torch-legacy", "legacy.pt", lambda: _torch_legacy({"lr": 0.1}), False, "legacy"
        ),
        Case(
            "benign-ordereddict",
            "state.pth",
            lambda: forge.dumps(OrderedDict(a=1), 2),
            False,
            "dict",
        ),
        Case(
            "benign-safetensors",
            "model.safetensors",
            lambda: forge.safetensors({"w": ("F32", [2], (0, 8))}, 8),
            False,
            "safetensors",
        ),
        Case(
            "benign-keras",
            "model.keras",
            lambda: forge.keras_zip(forge.keras_dense_config()),
            False,
            "Dense",
        ),
        Case(
            "benign-npy", "arr.npy", lambda: forge.npy("<f4", (2,), bytes(8)), False, "float array"
        ),
    ]
    corpus.extend(
        Case(
            f"os-system-p{p}", "model.pkl", _p(Name("os", "system"), "id", p), True, f"protocol {p}"
        )
        for p in range(6)
    )
    corpus += [
        Case(f"bypass-{cid}", "model.pkl", _p(target, arg), cid != "unknown-class", why)
        for cid, target, arg, why in BYPASS_TARGETS
    ]
    corpus += [
        Case("memo-stack-global", "model.pkl", _memo_indirect, True, "agent-bom PR #3326"),
        Case("computed-stack-global", "model.pkl", _stack_global_computed, True, "unresolvable"),
        Case("torch-zip", "model.pt", _torch(_evil_state()), True, "payload in data.pkl"),
        Case("torch-legacy", "legacy.pt", lambda: _torch_legacy(forge.payload()), True, "legacy"),
        Case(
            "renamed-txt",
            "notes.txt",
            lambda: forge.dumps(forge.payload(), 0),
            True,
            "CVE-2025-1889",
        ),
        Case(
            "renamed-safetensors",
            "model.safetensors",
            lambda: forge.dumps(forge.payload(), 2),
            True,
            "CVE-2025-10155",
        ),
        Case(
            "renamed-json",
            "config.json",
            lambda: forge.dumps(forge.payload(), 4),
            True,
            "extension confusion",
        ),
        Case(
            "nested-zip",
            "bundle.zip",
            lambda: forge.zip_of(
                {"a/inner.zip": forge.zip_of({"m.pkl": forge.dumps(forge.payload(), 4)}, True)}
            ),
            True,
            "zip in zip",
        ),
        Case("zip-name-mismatch", "model.pt", _name_mismatch, True, "CVE-2025-1944"),
        Case("zip-bad-crc", "model.pt", _bad_crc, True, "CVE-2025-10156"),
        Case("zip-flag-bits", "model.pt", _flag_bits, True, "CVE-2025-1945"),
        Case(
            "zip-no-central-directory", "model.pt", _no_central_directory, True, "truncated archive"
        ),
        Case("zip-hidden-entry", "model.zip", _hidden_entry, True, "local-only member"),
        Case(
            "gzip-pickle",
            "model.pkl.gz",
            lambda: gzip.compress(forge.dumps(forge.payload(), 4), mtime=0),
            True,
            "compressed",
        ),
        Case("zlib-joblib", "model.joblib", _zlib_joblib, True, "joblib compress=3"),
        Case(
            "npy-object",
            "arr.npy",
            lambda: forge.npy("|O", (1,), forge.dumps([forge.payload()], 3)),
            True,
            "allow_pickle",
        ),
        Case(
            "npz-object",
            "arrs.npz",
            lambda: _stored_zip(
                {"a.npy": forge.npy("|O", (1,), forge.dumps([forge.payload()], 3))}
            ),
            True,
            "npz",
        ),
        Case(
            "keras-lambda",
            "model.keras",
            _keras_config({"class_name": "Lambda", "config": {"name": "f"}}),
            True,
            "CVE-2024-3660",
        ),
        Case(
            "keras-module",
            "model.keras",
            _keras_config({"module": "os", "class_name": "function", "config": "system"}),
            True,
            "CVE-2025-1550",
        ),
        Case(
            "keras-unsafe-toggle",
            "model.keras",
            _keras_config(
                {
                    "module": "keras.config",
                    "class_name": "function",
                    "config": "enable_unsafe_deserialization",
                }
            ),
            True,
            "CVE-2025-9906",
        ),
        Case(
            "truncated-after-payload",
            "model.pkl",
            lambda: forge.dumps([forge.payload(), list(range(99))], 2)[:40],
            True,
            "nullifAI class",
        ),
    ]
    return [_with_reasons(case) for case in corpus]


REASONS: dict[str, tuple[str, ...]] = {
    **{f"os-system-p{p}": (OS_SYSTEM,) for p in range(6)},
    **{
        f"bypass-{cid}": (
            f"{'unlisted' if cid == 'unknown-class' else 'dangerous'}-import:"
            f"{target.module}.{target.name}",
        )
        for cid, target, _arg, _why in BYPASS_TARGETS
    },
    "memo-stack-global": (OS_SYSTEM,),
    "computed-stack-global": ("unresolved-import",),
    "torch-zip": (OS_SYSTEM,),
    "torch-legacy": (OS_SYSTEM,),
    "renamed-txt": (OS_SYSTEM, "format-mismatch:.txt:pickle"),
    "renamed-safetensors": (OS_SYSTEM, "format-mismatch:.safetensors:pickle"),
    "renamed-json": (OS_SYSTEM, "format-mismatch:.json:pickle"),
    "nested-zip": (OS_SYSTEM,),
    "zip-name-mismatch": (OS_SYSTEM, "name-mismatch:archive/data.pkl"),
    "zip-bad-crc": (OS_SYSTEM, "crc-mismatch"),
    "zip-flag-bits": (OS_SYSTEM, "header-mismatch:archive/data.pkl"),
    "zip-no-central-directory": (OS_SYSTEM, "no-central-directory"),
    "zip-hidden-entry": (OS_SYSTEM, "hidden-entry:model/extra.pkl"),
    "gzip-pickle": (OS_SYSTEM,),
    "zlib-joblib": (OS_SYSTEM,),
    "npy-object": (OS_SYSTEM,),
    "npz-object": (OS_SYSTEM,),
    "keras-lambda": ("lambda-layer",),
    "keras-module": ("foreign-module:module:os.system",),
    "keras-unsafe-toggle": ("keras-gadget:enable_unsafe_deserialization",),
    "truncated-after-payload": (OS_SYSTEM, "truncated"),
}
"""The reasons each flagged case must be caught for (see :attr:`Case.reasons`)."""


def _with_reasons(case: Case) -> Case:
    reasons = REASONS.get(case.name, ())
    return replace(case, reasons=reasons) if reasons else case


def matches(reason: str, code: str, detail: str) -> bool:
    """Return True when an issue's ``code`` and ``detail`` satisfy one ``reason``."""
    wanted, _, wanted_detail = reason.partition(":")
    return code == wanted and (not wanted_detail or detail == wanted_detail)


__all__ = ["BYPASS_TARGETS", "REASONS", "Case", "cases", "matches"]
