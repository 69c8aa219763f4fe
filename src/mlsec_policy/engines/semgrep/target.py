"""One file handed to semgrep, and how its matches map back to the user's file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlsec_policy.models import Artifact
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
