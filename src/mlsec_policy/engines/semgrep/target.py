"""One file handed to semgrep, and how its matches map back to the user's file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlsec_policy.models import Artifact, JsonValue
from mlsec_policy.views.base import View


@dataclass(frozen=True, slots=True)
class Target:
    """One file handed to semgrep, and how to map its matches back."""

    artifact: Artifact
    scanned: str
    """The path given to semgrep: the artifact's own, or a view in the scratch folder."""
    view: View | None


def normal(path: str) -> str:
    """Return a path as semgrep reports it, without a leading ``./``."""
    pure = str(PurePosixPath(path))
    return pure[2:] if pure.startswith("./") else pure


def read_scanned(target: Target, root: Path) -> bytes:
    """Return the bytes semgrep scanned for a target (the view's text, or the file's)."""
    if target.view is not None:
        return target.view.text.encode("utf-8")
    try:
        return (root / target.artifact.path).read_bytes()
    except OSError:
        return b""


def words_reliable(text: bytes) -> bool:
    """Return True when a search for ASCII words in ``text`` says what semgrep can match.

    That holds for UTF-8 (and so ASCII) text. Text in another encoding — UTF-16, a binary
    file with a source suffix — may hold a call whose letters are not consecutive bytes, so
    a gate that found no word in it would keep its rules off a file semgrep must still read
    and report (a syntax error is never a pass): such a text passes every gate.
    """
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


LANGUAGES = {
    ".py": "python",
    ".pyi": "python",
    ".pyw": "python",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".sh": "bash",
    ".bash": "bash",
}
"""The language semgrep parses a scanned file as, by the scanned name's suffix."""
ALIASES = {"py": "python", "python3": "python", "sh": "bash", "docker": "dockerfile"}
TEXT_LANGUAGES = frozenset({"generic", "regex", "none"})
"""Languages whose rules read text: a file's syntax error never stops them."""


def scanned_language(scanned: str) -> str | None:
    """Return the language semgrep parses a scanned file as (None: not known here)."""
    name = PurePosixPath(scanned).name.lower()
    return "dockerfile" if "dockerfile" in name else LANGUAGES.get(PurePosixPath(name).suffix)


def rule_languages(rule: Mapping[str, JsonValue]) -> set[str] | None:
    """Return a rule's languages by their canonical names (None: it names none)."""
    languages = rule.get("languages")
    if not isinstance(languages, list):
        return None
    return {ALIASES.get(str(item).lower(), str(item).lower()) for item in languages}
