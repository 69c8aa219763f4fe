"""Replace a file atomically: write a temporary file beside it, then rename it over the file.

A reader sees the old file or the new one, never a half-written one; a writer that fails or is
interrupted leaves the old file as it was and removes its temporary file (a killed process may
leave one behind: it starts with a dot and the target's name, or the ``prefix`` given). The
temporary file lives in the target's folder, so the rename never crosses file systems.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
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


def replace_bytes(
    path: Path, data: bytes, *, prefix: str | None = None, folder_mode: int | None = None
) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place.

    The new file has the permissions creating it gives (0666 less the umask), as with
    :func:`replace_file`'s default. ``folder_mode`` given, a missing folder of ``path`` is
    created (with its parents) with that mode; otherwise a missing folder raises. Any
    exception removes the temporary file and propagates.
    """
    folder = path.parent
    try:
        descriptor, temporary = _create(folder, prefix or f".{path.name}.")
    except FileNotFoundError:
        if folder_mode is None:
            raise
        folder.mkdir(parents=True, exist_ok=True, mode=folder_mode)
        descriptor, temporary = _create(folder, prefix or f".{path.name}.")
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_CALLS = itertools.count()
_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)


def _create(folder: Path, prefix: str) -> tuple[int, str]:
    """Create a new temporary file in ``folder``: its descriptor and name.

    The name is unique to this process, thread and call; one left by a killed process whose
    id came back is skipped (``O_EXCL`` never opens an existing file).
    """
    while True:
        name = f"{folder}{os.sep}{prefix}{os.getpid()}-{threading.get_ident()}-{next(_CALLS)}"
        try:
            return os.open(name, _FLAGS, 0o666), name
        except FileExistsError:
            continue


def _read_umask() -> int:
    """Return the process umask (read once, at import: setting it to read it races threads)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _default_mode() -> int:
    return 0o666 & ~_UMASK
