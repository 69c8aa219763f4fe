"""Control documents kept as text between loads, so a known-valid control file is not parsed.

Reading YAML with positions is most of loading a pack whose files are known valid. A parsed
:class:`~mlsec_policy.yamlpos.Document` — data, the positions of values and keys, its first
line — round-trips through JSON text here: mapping order, integers, booleans and floats come
back as they were. Anything :func:`decode` cannot read back exactly is None: the caller parses
the file again.
"""

from __future__ import annotations

import json
from typing import Protocol

from mlsec_policy.yamlpos import Document, Path_, Positions


class DocumentMemo(Protocol):
    """Keeps the parsed documents of valid control files (as :func:`encode` text) by key."""

    def known_document(self, key: str) -> str | None:
        """Return the text of a control file's document with this key (None: not known)."""
        ...

    def remember_document(self, key: str, text: str) -> None:
        """Record the text of a valid control file's document."""
        ...


def encode(document: Document) -> str:
    """Return ``document`` as JSON text (insertion order kept)."""
    return json.dumps(
        [
            document.data,
            [[list(path), *where] for path, where in document.positions.values.items()],
            [[list(path), *where] for path, where in document.positions.keys.items()],
            document.start_line,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode(text: object) -> Document | None:
    """Return the document :func:`encode` wrote, or None for anything else."""
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
        data, values, keys, start_line = value
        positions = Positions(_positions(values), _positions(keys))
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(start_line, int) or isinstance(start_line, bool):
        return None
    return Document(data, positions, start_line)


def _positions(items: object) -> dict[Path_, tuple[int, int]]:
    """Return positions from ``[path, line, column]`` items (TypeError or ValueError: not ours).

    The entry's digest and key were verified by the store, so the shape is checked, not every
    part: a wrong entry fails here and the file is parsed again.
    """
    if not isinstance(items, list):
        raise TypeError("positions are a list")
    return {tuple(path): (line, column) for path, line, column in items}
