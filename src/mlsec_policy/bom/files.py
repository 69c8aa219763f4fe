"""Bounded reads of the small text files the BOM collectors look at (never a symlink).

A file that is missing, larger than :data:`MAX_TEXT`, not UTF-8 or not parseable reads as None:
the collectors then leave the fields it would fill empty, and completeness names them missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlsec_policy.textfile import load_json
from mlsec_policy.yamlpos import Document, YamlError, load_documents

MAX_TEXT = 1024 * 1024


def read_text(path: Path) -> str | None:
    """Return a small text file's content, or None when it is missing, large or not UTF-8."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_TEXT:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def read_yaml(path: Path) -> list[Document] | None:
    """Return the YAML documents of a file (safe loader, positions kept), or None."""
    text = read_text(path)
    if text is None:
        return None
    try:
        return load_documents(text)
    except YamlError:
        return None


def read_json_object(path: Path) -> dict[str, Any] | None:
    """Return a JSON file's top-level object, or None."""
    text = read_text(path)
    if text is None:
        return None
    try:
        document = load_json(text)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line where ``needle`` first appears (1 when it does not)."""
    at = text.find(needle)
    return 1 if at < 0 else text.count("\n", 0, at) + 1
