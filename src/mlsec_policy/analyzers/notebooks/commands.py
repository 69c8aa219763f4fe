"""Notebook hygiene: what notebooks install and run, and what their saved outputs reveal.

Three analyzers share the position-aware reader of :mod:`.read.notebook`, so every finding names
the ``.ipynb`` line and the cell:

- ``notebook-commands``: ``!pip``/``%pip`` installs that are not pinned, ``curl … | sh``,
  and ``%env`` lines that set a secret-named variable to a literal; a notebook that cannot be
  read is itself a finding here (nothing in it can be checked);
- ``notebook-outputs``: notebooks saved with outputs when no output stripping (nbstripout as a
  pre-commit hook or git filter) is configured;
- ``notebook-output-leaks``: tracebacks and personal data in saved outputs; personal data is
  graded by context like in datasets (placeholders, role mailboxes, ids and sums set aside below
  ``min-confidence``).
"""

from __future__ import annotations

import bisect
import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from mlsec_policy.analyzers.base import (
    AnalyzerError,
    AnalyzerSpec,
    FileAnalyzer,
    FileContext,
    Observation,
)
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams, Params
from mlsec_policy.analyzers.patterns.pii import Confidence, find_pii
from mlsec_policy.analyzers.patterns.pii_tally import PiiLedger, describe, severity
from mlsec_policy.analyzers.patterns.secrets import literal_secret
from mlsec_policy.analyzers.read.notebook import NbCell, NbLine, NotebookError, read_notebook
from mlsec_policy.analyzers.read.organisation import organisation
from mlsec_policy.analyzers.read.requirements import Pin, SpecKind, parse_spec
from mlsec_policy.models import ArtifactKind, Location, NotebookCell, Severity

_INSTALL = re.compile(
    r"^(?:\{?sys\.executable\}?\s+-m\s+|python3?\s+-m\s+)?(?:uv\s+)?pip3?\s+install\s+(?P<args>.*)$"
)
_PIPE_TO_SHELL = re.compile(
    r"\b(?:curl|wget)\b[^|]*\|\s*(?:sudo\s+)?(?:(?:ba|z|da|k)?sh|python3?|perl|ruby)\b"
)
_ENV = re.compile(r"^%(?:env|set_env)\s+(?P<name>[A-Za-z_]\w*)(?:\s*=\s*|\s+)(?P<value>\S.*)$")
_SHELL_CELLS = frozenset({"bash", "sh", "script", "system"})
_TAKES_VALUE = frozenset(
    {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host", "-t",
     "--target", "--prefix", "--root", "--platform", "--python-version", "--cache-dir",
     "--src", "--upgrade-strategy", "--progress-bar", "--log", "--timeout", "--retries"}
)  # fmt: skip
STRIP_CONFIG = (".pre-commit-config.yaml", ".gitattributes", ".git/info/attributes")
BLOCK_CHARS = 20_000
"""Output text examined at once for personal data (context crosses lines, not blocks)."""


def _read(context: FileContext) -> list[NbCell]:
    try:
        return read_notebook(context.read_text())
    except NotebookError as exc:
        raise AnalyzerError(
            f"the notebook cannot be read: {exc.message}",
            kind="parse-error",
            line=exc.line,
            hint="open and save it in Jupyter to repair it, or exclude it",
        ) from None


def notebook_commands(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield unpinned installs, piped downloads and literal secrets set with %env."""
    try:
        cells = read_notebook(context.read_text())
    except NotebookError as exc:
        yield Observation(
            context.at(exc.line or 1),
            message=f"the notebook cannot be read ({exc.message}), so none of its code can be "
            "checked; open and save it in Jupyter to repair it",
            severity=Severity.MEDIUM,
            key="unreadable",
        )
        return
    for cell in cells:
        if cell.cell_type != "code" or not cell.source:
            continue
        first = cell.source[0].text.strip()
        magic = first[2:].split()[:1] if first.startswith("%%") else []
        shell_cell = bool(magic) and magic[0] in _SHELL_CELLS
        for line in cell.source[1:] if shell_cell else cell.source:
            yield from _command(context, line, shell_cell)


def _command(context: FileContext, line: NbLine, shell_cell: bool) -> Iterator[Observation]:
    text = line.text.strip()
    where = Location(context.artifact.path, line.raw_line, cell=line.cell)
    env = _ENV.match(text)
    if env and literal_secret(env.group("name"), env.group("value")):
        yield Observation(
            where,
            message=f"%env sets {env.group('name')} to a literal secret in the notebook; read it "
            "from the environment or a secret store instead",
            severity=Severity.HIGH,
            snippet=f"%env {env.group('name')}=****",
        )
    if not shell_cell and not text.startswith(("!", "%pip", "%conda", "%sx", "%system")):
        return
    command = text.lstrip("!%").strip()
    for segment in re.split(r"&&|\|\||;", command):
        yield from _segment(context, where, segment.strip())
    if _PIPE_TO_SHELL.search(command):
        yield Observation(
            where,
            message="a downloaded script is piped straight into an interpreter; download it, "
            "check its digest, then run it",
            severity=Severity.HIGH,
            snippet=text[:200],
        )


def _segment(context: FileContext, where: Location, segment: str) -> Iterator[Observation]:
    install = _INSTALL.match(segment)
    if install is None:
        return
    try:
        words = shlex.split(install.group("args"), comments=True)
    except ValueError:
        return
    risky = [w for w in words if w.split("=")[0] in {"--extra-index-url", "--trusted-host"}]
    if risky:
        yield Observation(
            where,
            message=f"the notebook installs with {risky[0].split('=')[0]}, which lets another "
            "index shadow packages or turns off TLS checks; use one HTTPS --index-url",
            severity=Severity.HIGH,
            snippet=segment[:200],
        )
    loose: list[str] = []
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word in {"-r", "--requirement", "-c", "--constraint", "-e", "--editable"}:
            skip = True
            target = words[index + 1] if index + 1 < len(words) else ""
            if word in {"-r", "--requirement"} and not _pinned_file(context, target):
                loose.append(f"-r {target}")
            continue
        if word in _TAKES_VALUE:
            skip = True
            continue
        if word.startswith("-") or "$" in word or "{" in word:
            continue
        spec = parse_spec(word)
        if spec is None:
            continue
        if (spec.kind is SpecKind.INDEX and spec.pin is not Pin.EXACT) or (
            spec.kind is SpecKind.VCS and not spec.vcs_pinned
        ):
            loose.append(word)
    if loose:
        shown = ", ".join(loose[:4]) + (" …" if len(loose) > 4 else "")
        yield Observation(
            where,
            message=f"the notebook installs packages without pinned versions ({shown}); pin "
            "them (pkg==1.2.3) or install from a locked requirements file",
            severity=Severity.MEDIUM,
            snippet=segment[:200],
        )


def _pinned_file(context: FileContext, name: str) -> bool:
    """Return True when a requirements file next to the notebook (or at the root) is pinned."""
    folder = PurePosixPath(context.artifact.path).parent
    for base in (context.root / str(folder), context.root):
        path = base / name
        try:
            if path.resolve().is_relative_to(context.root.resolve()) and path.is_file():
                return _all_pinned(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return False
    return False


def _all_pinned(text: str) -> bool:
    for raw in text.replace("\\\n", " ").splitlines():  # join backslash continuations
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        spec = parse_spec(line.split(" --hash", 1)[0])
        if spec is None or (spec.kind is SpecKind.INDEX and spec.pin is not Pin.EXACT):
            return False
    return True


def notebook_outputs(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield one observation per notebook saved with outputs, unless stripping is configured."""
    cells = _read(context)
    with_outputs = [c for c in cells if c.output_count]
    if not with_outputs or _stripping_configured(context):
        return
    first = with_outputs[0]
    line = first.output_line or first.raw_line
    yield Observation(
        Location(context.artifact.path, line, cell=NotebookCell(first.index, 1)),
        message=f"the notebook is committed with the outputs of {len(with_outputs)} cell(s) "
        "and no output stripping is configured",
        key="outputs",
    )


def _stripping_configured(context: FileContext) -> bool:
    folder = PurePosixPath(context.artifact.path).parent
    candidates = [context.root / name for name in STRIP_CONFIG]
    candidates += [context.root / str(p) / ".gitattributes" for p in (folder, *folder.parents)]
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")[:200_000]
        except OSError:
            continue
        if re.search(r"nbstripout|jupyter-nb-clear-output|nb-clean|filter=jupyter", text):
            return True
    return False


@dataclass(frozen=True, slots=True)
class OutputLeaks:
    """Parameters of ``notebook-output-leaks``."""

    min_confidence: Literal["low", "medium", "high"] = "medium"
    """The lowest confidence a personal-data match needs to be reported."""


def notebook_output_leaks(context: FileContext, params: OutputLeaks) -> Iterable[Observation]:
    """Yield tracebacks and personal data found in saved outputs."""
    threshold = Confidence.parse(params.min_confidence)
    for cell in _read(context):
        for output in cell.outputs:
            if output.output_type == "error" or (
                output.name == "stderr"
                and any("Traceback (most recent call last)" in line.text for line in output.lines)
            ):
                yield Observation(
                    Location(
                        context.artifact.path, output.raw_line, cell=NotebookCell(cell.index, 1)
                    ),
                    message=f"an output of cell {cell.index} holds an error traceback, which "
                    "can expose file paths, user names, hosts and data values; clear it",
                    severity=Severity.LOW,
                    key=f"traceback:{cell.index}",
                )
            if output.output_type in {"stream", "error"} or output.name == "text/plain":
                yield from _pii(context, cell, output.lines, threshold)  # not HTML/JS: digits


def _pii(
    context: FileContext, cell: NbCell, lines: tuple[NbLine, ...], threshold: Confidence
) -> Iterator[Observation]:
    owner = organisation(context.root)
    ledger = PiiLedger(threshold)
    for first, offsets, block in _blocks(lines):
        for match in find_pii(block, own_domains=owner.domains, own_names=owner.names):
            index = first + bisect.bisect_right(offsets, match.start) - 1
            ledger.add(match, lines[index].raw_line)
    for kind, tally in ledger.findings():
        where = next(line for line in lines if line.raw_line == tally.line)
        yield Observation(
            Location(context.artifact.path, tally.line, cell=where.cell),
            message=f"an output of cell {cell.index} shows personal data: "
            f"{describe(kind, tally)}; clear the output and mask personal data before printing it",
            severity=severity(kind, tally),
            key=f"pii:{kind.name}",
        )


def _blocks(lines: tuple[NbLine, ...]) -> Iterator[tuple[int, list[int], str]]:
    """Yield runs of output lines joined into one text, so context spans neighbouring lines.

    Each run is (index of its first line, offset of each line in the text, the text).
    """
    first, size = 0, 0
    offsets: list[int] = []
    parts: list[str] = []
    for index, line in enumerate(lines):
        if parts and size + len(line.text) > BLOCK_CHARS:
            yield first, offsets, "\n".join(parts)
            first, offsets, parts, size = index, [], [], 0
        offsets.append(size)
        parts.append(line.text.rstrip("\n"))
        size += len(parts[-1]) + 1
    if parts:
        yield first, offsets, "\n".join(parts)


def _spec(
    name: str, description: str, function: FileAnalyzer[Any], params: Params[Any] = NO_PARAMS
) -> AnalyzerSpec[Any]:
    return AnalyzerSpec(
        name=name,
        description=description,
        kinds=frozenset({ArtifactKind.NOTEBOOK}),
        params=params,
        file=function,
    )


COMMANDS = _spec(
    "notebook-commands", "Unpinned installs, curl | sh and literal %env secrets.", notebook_commands
)
OUTPUTS = _spec(
    "notebook-outputs", "Notebooks saved with outputs, without stripping.", notebook_outputs
)
LEAKS = _spec(
    "notebook-output-leaks",
    "Tracebacks and personal data in saved outputs.",
    notebook_output_leaks,
    Params.beside(OutputLeaks, __name__, "notebook-output-leaks"),
)

SPECS: tuple[AnalyzerSpec[Any], ...] = (COMMANDS, OUTPUTS, LEAKS)
"""The analyzers of this domain, for the registry."""
