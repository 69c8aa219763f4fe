"""What notebooks install and run (MLSEC-NB-02): ``!pip`` installs, ``curl | sh``, ``%env``.

- an install (``!pip``, ``%pip``, ``python -m pip``, ``uv pip`` in a line or a ``%%bash``
  cell) is read like pip reads its arguments: options and their values (``-r file``,
  ``-rfile``, ``--requirement=file``, ``-e``, ``-c``, ``-i``...) are told apart from the
  requirements. A requirement is pinned by ``==``, a VCS requirement by a commit (full or
  abbreviated; a branch or tag is not); a range held to one release series is reported low.
  A requirements file is judged by its content when it is in the repository; one that is not
  (it comes from a clone or download the notebook made) cannot be checked and is reported
  low, as such;
- ``curl … | sh`` and the like run a downloaded script unseen;
- ``%env NAME=value`` sets a secret-named variable to a literal.

A notebook that cannot be read is itself a finding here (nothing in it can be checked).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import FileContext, Observation
from mlsec_policy.analyzers.params import NoParams
from mlsec_policy.analyzers.patterns.secret_settings import literal_secret
from mlsec_policy.analyzers.read.manifests import read_requirements
from mlsec_policy.analyzers.read.notebook import NbLine, NotebookError, read_notebook
from mlsec_policy.analyzers.read.paths import join
from mlsec_policy.analyzers.read.requirements import Pin, Spec, SpecKind, parse_spec
from mlsec_policy.models import Location, Severity

_INSTALL = re.compile(
    r"^(?:\{?sys\.executable\}?\s+-m\s+|python3?\s+-m\s+)?(?:uv\s+)?pip3?\s+install\s+(?P<args>.*)$"
)
_PIPE_TO_SHELL = re.compile(
    r"\b(?:curl|wget)\b[^|]*\|\s*(?:sudo\s+)?(?:(?:ba|z|da|k)?sh|python3?|perl|ruby)\b"
)
_ENV = re.compile(r"^%(?:env|set_env)\s+(?P<name>[A-Za-z_]\w*)(?:\s*=\s*|\s+)(?P<value>\S.*)$")
_SHELL_CELLS = frozenset({"bash", "sh", "script", "system"})
LONG_NAMES = {
    "--requirement": "-r", "--constraint": "-c", "--editable": "-e", "--index-url": "-i",
    "--find-links": "-f", "--target": "-t",
}  # fmt: skip
TAKES_VALUE = frozenset(
    {"-r", "-c", "-e", "-i", "-f", "-t", "--extra-index-url", "--trusted-host", "--prefix",
     "--root", "--platform", "--python-version", "--implementation", "--abi", "--cache-dir",
     "--src", "--upgrade-strategy", "--progress-bar", "--log", "--timeout", "--retries",
     "--proxy", "--cert", "--client-cert", "--config-settings", "--global-option",
     "--no-binary", "--only-binary", "--python", "--report", "--exists-action"}
)  # fmt: skip
"""pip install options followed by a value (short forms, after LONG_NAMES)."""


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
    args = read_args(words)
    risky = [name for name, _ in args.options if name in {"--extra-index-url", "--trusted-host"}]
    if risky:
        yield Observation(
            where,
            message=f"the notebook installs with {risky[0]}, which lets another "
            "index shadow packages or turns off TLS checks; use one HTTPS --index-url",
            severity=Severity.HIGH,
            snippet=segment[:200],
        )
    loose = [spec for spec in args.requirements if _drifts(spec)]
    for name in args.files:
        found = _requirements_file(context, name)
        if found is None:
            why = (
                "named by a variable"
                if "$" in name or "{" in name
                else "not in this repository (it comes from a clone or download)"
            )
            yield Observation(
                where,
                message=f"the notebook installs the requirements file {name}, which is {why}, "
                "so what it installs cannot be checked here; pin what it fetches (a commit "
                "for a clone) and install pinned requirements",
                severity=Severity.LOW,
                snippet=segment[:200],
                key=f"external-requirements:{name}",
            )
        else:
            loose += found
    if loose:
        series = all(s.kind is SpecKind.INDEX and s.pin is Pin.PATCH for s in loose)
        shown = ", ".join(s.text for s in loose[:4]) + (" …" if len(loose) > 4 else "")
        yield Observation(
            where,
            message=(
                f"the notebook installs packages held only to a release series ({shown}); "
                "patch releases can still change what is installed — pin them with =="
                if series
                else f"the notebook installs packages without pinned versions ({shown}); pin "
                "them (pkg==1.2.3) or install from a locked requirements file"
            ),
            severity=Severity.LOW if series else Severity.MEDIUM,
            snippet=segment[:200],
        )


@dataclass
class PipArgs:
    """The arguments of one ``pip install``, read the way pip reads them."""

    requirements: list[Spec] = field(default_factory=list)
    """Requirements named on the command line, and editable VCS installs."""
    files: list[str] = field(default_factory=list)
    """Requirements files (``-r``)."""
    options: list[tuple[str, str]] = field(default_factory=list)
    """Every option with its value ('' for a flag), long names kept as written."""


def read_args(words: list[str]) -> PipArgs:
    """Split ``pip install`` words into options, requirements files and requirements."""
    args = PipArgs()
    position = 0
    while position < len(words):
        word = words[position]
        position += 1
        if not word.startswith("-") or word == "-":
            spec = None if "$" in word or "{" in word else parse_spec(word)
            if spec is not None:
                args.requirements.append(spec)
            continue
        name, value = _option(word)
        short = LONG_NAMES.get(name, name)
        if short in TAKES_VALUE and value is None:
            value = words[position] if position < len(words) else ""
            position += 1
        args.options.append((name, value or ""))
        if short == "-r" and value:
            args.files.append(value)
        elif short == "-e" and value:
            spec = parse_spec(value)
            if spec is not None and spec.kind is SpecKind.VCS:
                args.requirements.append(spec)
    return args


def _option(word: str) -> tuple[str, str | None]:
    """Return (name, value) of one option word; value None when the next word holds it."""
    if word.startswith("--"):
        name, equals, value = word.partition("=")
        return name, value if equals else None
    name, rest = word[:2], word[2:]
    if name in TAKES_VALUE:
        return name, rest.removeprefix("=") or None
    return word, ""  # short flags, alone or combined (-q, -qU)


def _drifts(spec: Spec) -> bool:
    if spec.kind is SpecKind.INDEX:
        return spec.pin is not Pin.EXACT
    return spec.kind is SpecKind.VCS and not spec.vcs_pinned


def _requirements_file(context: FileContext, name: str) -> list[Spec] | None:
    """Return the loose requirements of a requirements file in the repository, or None.

    The file is looked for next to the notebook, then at the root of the repository; None
    when it is in neither (or names a variable or a URL).
    """
    if "$" in name or "{" in name or "://" in name:
        return None
    folder = str(PurePosixPath(context.artifact.path).parent)
    for base in (folder, "."):
        relative = join(base, name)
        text = context.other_text(relative)
        if text is None:
            continue
        manifest = read_requirements(context.other_text, relative, text)
        return [e.spec for e in manifest.entries if _drifts(e.spec)]
    return None
