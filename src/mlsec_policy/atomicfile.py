"""Replace a file atomically: write a temporary file beside it, then rename it over the file.

A reader sees the old file or the new one, never a half-written one; a writer that fails or is
interrupted leaves the old file as it was and removes its temporary file (a killed process may
leave one behind: it starts with a dot and the target's name, or the ``prefix`` given). The
temporary file lives in the target's folder, so the rename never crosses file systems.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def replace_file(
    path: Path,
    write: Callable[[IO[Any]], object],
    *,
    text: bool = False,
    mode: int | None = None,
    prefix: str | None = None,
    check: Callable[[], object] | None = None,
) -> None:
    """Write ``path`` through ``write`` (given the open temporary file) and rename it into place.

    ``text`` opens the temporary file as UTF-8 text with Unix line ends (binary otherwise).
    ``mode`` is the new file's permissions (default: what creating it would give, 0666 less
    the umask, not the 0600 of a temporary file). ``check`` runs just before the rename and may
    raise to stop it. Any exception removes the temporary file and propagates.
    """
    folder = path.parent
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=prefix or f".{path.name}.")
    temporary = Path(name)
    try:
        if text:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
                write(handle)
        else:
            with os.fdopen(descriptor, "wb") as handle:
                write(handle)
        temporary.chmod(_default_mode() if mode is None else mode)
        if check is not None:
            check()
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _read_umask() -> int:
    """Return the process umask (read once, at import: setting it to read it races threads)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _default_mode() -> int:
    return 0o666 & ~_UMASK
