"""What the model-artifact scanners report: issues with a concern, a grade and a stable key."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mlsec_policy.models import Severity


class Concern(StrEnum):
    """The family an issue belongs to; each control of the pack reports some of them."""

    CODE = "code"
    """Something in the file runs code when it is loaded (pickle imports, TorchScript)."""
    KERAS = "keras"
    """A Keras model configuration that executes code or disables safe mode."""
    UNVERIFIABLE = "unverifiable"
    """The file (or part of it) could not be parsed, so its safety cannot be verified."""
    FORMAT = "format-mismatch"
    """The content is not the format the file name promises."""
    ARCHIVE = "archive"
    """The container itself is suspicious: traversal names, bombs, lying headers."""
    ONNX = "onnx"
    """ONNX external data outside the model directory, custom operator domains."""
    TEMPLATE = "template"
    """A GGUF chat template that can execute code in the template engine."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing a scanner found in one model file (or one member of it)."""

    concern: Concern
    severity: Severity
    code: str
    """A short machine label (``dangerous-global``, ``truncated``...)."""
    message: str
    """What is wrong, for a person; names the member when there is one."""
    member: str = ""
    """The path inside the file's archive(s), joined with ``!`` (empty for the file itself)."""
    detail: str = ""
    """What distinguishes this issue from others of the same code (a global's name)."""
    snippet: str | None = None
    """A short, printable excerpt (a call's arguments), already shortened."""

    @property
    def key(self) -> str:
        """Return the stable discriminator used for fingerprints."""
        return f"{self.concern.value}:{self.code}:{self.member}:{self.detail}"


def where(member: str) -> str:
    """Return a message prefix naming an archive member, or '' for the file itself."""
    return f"{member}: " if member else ""


def join_member(parent: str, name: str) -> str:
    """Return the member path of ``name`` inside ``parent`` (``outer.zip!inner/data.pkl``)."""
    return f"{parent}!{name}" if parent else name
