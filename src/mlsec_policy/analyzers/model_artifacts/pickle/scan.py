"""Judge a pickle stream: every import it makes, every call it sets up, whether it parses.

The symbolic machine (:mod:`.vm`) walks the stream; this module records what it saw, follows
the two places where other bytes are loaded by the stream itself — joblib's inline array data
and nested checkpoints passed to ``torch.storage._load_from_bytes`` — and turns the imports into
issues with :mod:`.policy`'s allowlist-first verdicts. A stream that breaks is reported as
"cannot verify", together with everything imported before the break.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, where
from mlsec_policy.analyzers.model_artifacts.pickle.policy import Verdict, judge, normalise
from mlsec_policy.analyzers.model_artifacts.pickle.vm import (
    BytesRef,
    Call,
    Events,
    Machine,
    Outcome,
    PickleError,
    Ref,
    Seq,
    Unresolved,
)
from mlsec_policy.analyzers.model_artifacts.source import (
    LimitExceeded,
    Memory,
    Reader,
    Source,
    Truncated,
    window,
)
from mlsec_policy.models import Severity
from mlsec_policy.redact import redact

MAX_PICKLES = 1024
"""Most pickles read back to back from one stream."""
JOBLIB_WRAPPERS = frozenset({"joblib.numpy_pickle", "sklearn.externals.joblib.numpy_pickle"})
NESTED_LOADERS = frozenset({("torch.storage", "_load_from_bytes")})
"""Calls that load another checkpoint from a byte string: the bytes are scanned instead."""
_DTYPE = re.compile(r"[<>|=]?([a-zA-Z])(\d*)(\[\w+\])?")

NestedScan = Callable[[Source, str], list[Issue]]
"""Scans a nested checkpoint (a byte range of the stream) and returns its issues."""


@dataclass(slots=True)
class _Seen:
    ref: Ref
    calls: int = 0
    example: str | None = None
    literal_only: bool = True
    """For nested loaders: every call passed a literal byte string."""


@dataclass(slots=True)
class PickleReport:
    """Everything one stream showed: imports, call sites, nested scans, problems."""

    imports: dict[tuple[str, str], _Seen] = field(default_factory=dict)
    unresolved: list[Unresolved] = field(default_factory=list)
    call_sites: dict[str, int] = field(default_factory=dict)
    nested: list[Issue] = field(default_factory=list)
    problems: list[Issue] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


class PickleScanner(Events):
    """Runs pickles from one source and collects what they do."""

    def __init__(self, source: Source, member: str, nested: NestedScan | None = None) -> None:
        """Scan ``source`` (reported as ``member``); ``nested`` scans embedded checkpoints."""
        self.source = source
        self.member = member
        self.nested_scan = nested
        self.report = PickleReport()
        self._machine: Machine | None = None
        self.script_classes = False
        """True inside a TorchScript archive, whose unpickler resolves ``__torch__.*`` names
        to the classes compiled from the archive's own code (audited separately), never to
        Python imports."""

    # -- running -----------------------------------------------------------------------------

    def run(self, reader: Reader, *, count: int | None = None, label: str = "pickle") -> bool:
        """Run ``count`` pickles (all that follow when None); return False when one broke."""
        machine = Machine(reader, self)
        self._machine = machine
        done = 0
        while count is None or done < count:
            if count is None and done and reader.at_end():
                return True
            if done >= MAX_PICKLES:
                self._problem(
                    "too-many-pickles",
                    Severity.HIGH,
                    f"holds more than {MAX_PICKLES} pickles back to back; the rest is unread",
                )
                return False
            start = reader.pos
            try:
                self.report.outcomes.append(machine.run())
            except (PickleError, Truncated, LimitExceeded) as exc:
                if count is None and done and _junk_at(exc, start):
                    self._problem(
                        "trailing-data",
                        Severity.MEDIUM,
                        f"has data after its last pickle (from byte {start}) that is not a "
                        "pickle; a custom loader could still read it",
                    )
                    return True
                self._broken(exc, label)
                return False
            done += 1
        return True

    def _broken(self, exc: Exception, label: str) -> None:
        if isinstance(exc, LimitExceeded):
            text = f"the {label} {exc}; the rest was not inspected"
            code = "limit"
        elif isinstance(exc, Truncated):
            text = f"the {label} is truncated ({exc})"
            code = "truncated"
        else:
            text = f"the {label} is corrupt: {exc}"
            code = "corrupt"
        seen = sorted(f"{m}.{n}" for m, n in self.report.imports)
        found = f"; imports seen before that: {', '.join(seen[:12])}" if seen else ""
        self._problem(
            code,
            Severity.HIGH,
            f"cannot be verified: {text}{found}. A loader may still run what precedes the break",
        )

    def _problem(self, code: str, severity: Severity, text: str) -> None:
        self.report.problems.append(
            Issue(
                Concern.UNVERIFIABLE,
                severity,
                code,
                f"{where(self.member)}{text}",
                self.member,
                code,
            )
        )

    # -- events ------------------------------------------------------------------------------

    def on_import(self, ref: Ref | Unresolved, opcode: str) -> None:
        """Record an import."""
        if isinstance(ref, Unresolved):
            self.report.unresolved.append(ref)
            return
        key = normalise(ref.module, ref.name)
        if key not in self.report.imports:
            self.report.imports[key] = _Seen(ref)

    def on_call(self, call: Call, opcode: str, offset: int) -> None:
        """Record a call site and, for known imports, an example of the call."""
        sites = self.report.call_sites
        sites[opcode] = sites.get(opcode, 0) + 1
        func = call.func
        if not isinstance(func, Ref):
            return
        seen = self.report.imports.get(normalise(func.module, func.name))
        if seen is None:
            return
        seen.calls += 1
        if seen.example is None:
            seen.example = redact(repr(call))
        if (func.module, func.name) in NESTED_LOADERS:
            seen.literal_only &= self._scan_nested(call)

    def on_build(self, target: object, state: object, reader: Reader) -> None:
        """Cross joblib's inline array data after its NumpyArrayWrapper is built."""
        if not isinstance(target, Call) or not isinstance(target.func, Ref):
            return
        func = target.func
        if func.module not in JOBLIB_WRAPPERS or func.name != "NumpyArrayWrapper":
            return
        if not isinstance(state, Seq):
            raise PickleError("joblib array wrapper without a state", reader.pos)
        itemsize, has_object = _dtype_layout(state.get("dtype"), reader.pos)
        if has_object:
            nested = Machine(reader, self)
            self.report.outcomes.append(nested.run())
            return
        alignment = state.get("numpy_array_alignment_bytes")
        if isinstance(alignment, int) and alignment:
            reader.skip(reader.read(1)[0])
        reader.skip(_element_count(state.get("shape"), reader.pos) * itemsize)

    def _scan_nested(self, call: Call) -> bool:
        args = call.args
        payload = args.items[0] if isinstance(args, Seq) and len(args.items) == 1 else None
        payload = _latin1_bytes(payload)
        if isinstance(payload, BytesRef):
            nested: Source = window(self.source, payload.offset, payload.length)
        elif isinstance(payload, bytes):
            nested = Memory(payload)
        else:
            return False
        if self.nested_scan is not None:
            self.report.nested.extend(self.nested_scan(nested, self.member))
        return True

    # -- verdicts ----------------------------------------------------------------------------

    def issues(self) -> list[Issue]:
        """Return the issues: imports judged allowlist-first, nested findings, problems."""
        issues: list[Issue] = []
        for (module, name), seen in sorted(self.report.imports.items()):
            issue = self._judge(module, name, seen)
            if issue is not None:
                issues.append(issue)
        issues.extend(
            Issue(
                Concern.CODE,
                Severity.CRITICAL,
                "unresolved-import",
                f"{where(self.member)}imports a name that cannot be resolved without running "
                f"the pickle ({unresolved.why}); a loader may import anything here",
                self.member,
                f"@{unresolved.offset}",
            )
            for unresolved in self.report.unresolved[:20]
        )
        return issues + self.report.nested + self.report.problems

    def _judge(self, module: str, name: str, seen: _Seen) -> Issue | None:
        qualified = f"{module}.{name}"
        if (module, name) in NESTED_LOADERS and seen.calls and seen.literal_only:
            return None
        if self.script_classes and (module == "__torch__" or module.startswith("__torch__.")):
            return None
        verdict, reason = judge(module, name)
        called = ""
        if seen.calls:
            called = f", and calls it at {seen.calls} call site{'s' if seen.calls > 1 else ''}"
        if verdict is Verdict.SAFE:
            return None
        if verdict is Verdict.DANGEROUS:
            return Issue(
                Concern.CODE,
                Severity.CRITICAL,
                "dangerous-import",
                f"{where(self.member)}imports {qualified} ({reason}){called}; loading this file "
                "runs it",
                self.member,
                qualified,
                seen.example,
            )
        return Issue(
            Concern.CODE,
            Severity.MEDIUM,
            "unlisted-import",
            f"{where(self.member)}imports {qualified}{called}, which is not on the allowlist of "
            "names model weights need; review it before loading the file",
            self.member,
            qualified,
            seen.example,
        )


def _latin1_bytes(value: object) -> object:
    """Turn protocol 2's ``_codecs.encode(text, 'latin1')`` spelling of bytes back into bytes."""
    if isinstance(value, Call) and isinstance(value.func, Ref) and isinstance(value.args, Seq):
        func, args = value.func, value.args.items
        if (func.module, func.name) == ("_codecs", "encode") and len(args) == 2:
            text, encoding = args
            if isinstance(text, str) and encoding in ("latin1", "latin-1"):
                try:
                    return text.encode("latin-1")
                except UnicodeEncodeError:
                    return value
    return value


def _junk_at(exc: Exception, start: int) -> bool:
    """Return True when a follow-on 'pickle' broke on its first bytes: it is not a pickle."""
    return isinstance(exc, PickleError) and exc.offset <= start + 1


def _dtype_layout(dtype: object, offset: int) -> tuple[int, bool]:
    """Return (item size, holds objects) of a joblib array's dtype symbol."""
    if isinstance(dtype, Call) and isinstance(dtype.args, Seq) and dtype.args.items:
        spec = dtype.args.items[0]
        match = _DTYPE.fullmatch(spec) if isinstance(spec, str) else None
        if match:
            kind, digits = match.group(1), match.group(2)
            state = dtype.state
            declared = state.items[5] if isinstance(state, Seq) and len(state.items) > 5 else -1
            if kind == "O":
                return 8, True
            if isinstance(declared, int) and declared > 0:
                return declared, _has_object_fields(state)
            if digits:
                return int(digits), False
    raise PickleError("joblib array with a dtype that cannot be read statically", offset)


def _has_object_fields(state: object) -> bool:
    return "'O'" in repr(state) or "O8" in repr(state)


def _element_count(shape: object, offset: int) -> int:
    if not isinstance(shape, Seq) or shape.more:
        raise PickleError("joblib array without a readable shape", offset)
    count = 1
    for dim in shape.items:
        if not isinstance(dim, int) or dim < 0:
            raise PickleError("joblib array with a bad dimension", offset)
        count *= dim
    return count


def scan_pickle(source: Source, member: str, nested: NestedScan | None = None) -> list[Issue]:
    """Scan every pickle in ``source`` and return the issues."""
    scanner = PickleScanner(source, member, nested)
    try:
        with source.open() as reader:
            scanner.run(reader)
    except LimitExceeded as exc:
        scanner._broken(exc, "pickle")
    return scanner.issues()
