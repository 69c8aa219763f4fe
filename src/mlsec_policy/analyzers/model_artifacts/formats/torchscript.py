"""TorchScript archives: the compiled ``code/`` files are read as text and audited.

``torch.jit.save`` writes the module's methods as TorchScript source under ``<name>/code/``,
and ``torch.jit.load`` — which ``torch.load`` calls for such an archive even with
``weights_only=True`` — compiles and runs them. TorchScript is a closed language: it cannot
import Python modules or call Python functions, only PyTorch operators and the classes the
archive itself defines. What a scripted or traced model genuinely contains (layers, tensor
maths, control flow) is therefore not reported. What is reported is the part of TorchScript
that reaches outside the model:

* operators that write or read files (``torch.save``/``aten::save``, ``torch.from_file``);
* operators and classes from a native library the loader must have registered
  (``torch.ops.<namespace>`` outside PyTorch and its domain libraries, ``torch.classes``);
* Python constructs TorchScript cannot compile (``__import__``, ``eval``, ``os.system``...):
  the archive was written by hand, not by ``torch.jit.save``.

The pickles of the archive (``data.pkl``, ``constants.pkl``) are read by TorchScript's own
unpickler, in which ``__torch__.*`` names are the classes compiled from ``code/``; they are
scanned by :mod:`.torch` with those names accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlsec_policy.analyzers.model_artifacts.context import Context
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, where
from mlsec_policy.analyzers.model_artifacts.members import unverifiable
from mlsec_policy.analyzers.model_artifacts.source import FileSlice, LimitExceeded, Truncated
from mlsec_policy.analyzers.model_artifacts.zipread import Entry, member_source
from mlsec_policy.models import Severity

CODE_CAP = 16 * 1024 * 1024
"""Largest code file read; a bigger one is reported as not verified."""
TORCH_NAMESPACES = frozenset(
    {
        "aten",
        "prim",
        "quantized",
        "_quantized",
        "quantized_decomposed",
        "profiler",
        "mkldnn",
        "mkldnn_prepacked",
        "prepacked",
        "xnnpack",
        "fbgemm",
        "_caffe2",
        "_c10d_functional",
        "c10d_functional",
        "_dtensor",
        "higher_order",
        "torchvision",
        "torchaudio",
        "torchtext",
        "image",
    }
)
"""Operator namespaces of PyTorch itself and of its domain libraries."""


@dataclass(frozen=True, slots=True)
class _Rule:
    code: str
    severity: Severity
    pattern: re.Pattern[str]
    why: str


RULES = (
    _Rule(
        "torchscript-file-access",
        Severity.CRITICAL,
        re.compile(r"\btorch\.(?:save|from_file)\s*\(|\bops\.aten\.(?:save|from_file)\b"),
        "writes or reads files on the loading machine (aten::save, aten::from_file)",
    ),
    _Rule(
        "torchscript-python",
        Severity.CRITICAL,
        re.compile(
            r"(?<![\w.])(?:__import__|eval|exec|compile|open)\s*\("
            r"|(?<![\w.])(?:os|sys|subprocess|builtins|importlib|__builtins__)\.\w+"
        ),
        "uses Python that TorchScript cannot compile: the code was not written by torch.jit.save",
    ),
    _Rule(
        "torchscript-native",
        Severity.MEDIUM,
        re.compile(r"\btorch\.classes\.\w+|\bops\.(?P<namespace>\w+)\.\w+"),
        "calls operators or classes of a native library the loader must have registered",
    ),
)


def audit_code(
    archive: FileSlice, entries: list[Entry], member: str, context: Context
) -> list[Issue]:
    """Return an issue for every rule some code file of the archive breaks."""
    hits: dict[str, tuple[_Rule, list[str]]] = {}
    issues: list[Issue] = []
    for entry in sorted(entries, key=lambda e: e.name):
        text = _read(archive, entry, context)
        if text is None:
            issues.append(
                unverifiable(
                    member,
                    "torchscript-unreadable",
                    f"{entry.name}: the TorchScript code file cannot be read as text, so what "
                    "it runs cannot be verified",
                )
            )
            continue
        for rule in RULES:
            for match in rule.pattern.finditer(text):
                namespace = match.groupdict().get("namespace")
                if namespace is not None and namespace in TORCH_NAMESPACES:
                    continue
                shown = match.group(0).rstrip("( \t")
                hits.setdefault(rule.code, (rule, []))[1].append(f"{entry.name}: {shown}")
                break
    for code, (rule, places) in sorted(hits.items()):
        shown = "; ".join(places[:3]) + (" ..." if len(places) > 3 else "")
        issues.append(
            Issue(
                Concern.CODE,
                rule.severity,
                code,
                f"{where(member)}is a TorchScript archive whose code {rule.why} ({shown}); "
                "torch.jit.load runs it, and torch.load hands TorchScript archives to it",
                member,
                code,
            )
        )
    return issues


def _read(archive: FileSlice, entry: Entry, context: Context) -> str | None:
    if entry.size > CODE_CAP:
        return None
    body = member_source(archive, entry, CODE_CAP, context.budget)
    if body is None:
        return None
    try:
        with body.open() as reader:
            return reader.read_upto(CODE_CAP).decode("utf-8")
    except (LimitExceeded, Truncated, OSError, ValueError):
        return None
