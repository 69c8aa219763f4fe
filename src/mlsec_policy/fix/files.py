"""Reading and rewriting the files a fix changes: inside the target, never through a symlink.

A file is read only when every part of its path below the root is a real directory or a
regular file (a symlink anywhere is refused, so a fix never writes outside the target). The new
text replaces the file atomically (a temporary file in the same folder, renamed over it, with
the old permissions), and only when the new text still parses as its kind of file if the old
one did: a fix never turns a readable file into an unreadable one.
"""

from __future__ import annotations

import stat
import warnings
from pathlib import Path, PurePosixPath

import yaml

from mlsec_policy.analyzers.read.dockerfile import parse as parse_dockerfile
from mlsec_policy.atomicfile import replace_file
from mlsec_policy.textfile import load_json


class FixRefused(Exception):
    """A file cannot be changed safely; the message says why."""


def _resolve(root: Path, path: str) -> Path:
    """Return the file ``path`` names under ``root``; raise FixRefused for a symlink on the way."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise FixRefused(f"{path} is not a path inside the target")
    current = root
    for part in pure.parts:
        current = current / part
        try:
            mode = current.lstat().st_mode
        except OSError as exc:
            raise FixRefused(f"{path} cannot be read: {exc.strerror}") from None
        if stat.S_ISLNK(mode):
            raise FixRefused(f"{path} goes through a symbolic link; symlinks are never followed")
    if not stat.S_ISREG(current.lstat().st_mode):
        raise FixRefused(f"{path} is not a regular file")
    return current


def read_text(root: Path, path: str) -> str:
    """Return the text of a file inside ``root``; raise FixRefused if it cannot be fixed."""
    file = _resolve(root, path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise FixRefused(f"{path} cannot be read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FixRefused(f"{path} is not UTF-8 text") from None


def parses(path: str, text: str) -> bool | None:
    """Return whether ``text`` parses as the kind of file ``path`` names (None: kind unknown).

    Python is compiled (never run: compiling also catches what the parser lets through, such
    as a keyword argument given twice), YAML composed without constructing
    any object, JSON and notebooks decoded, Dockerfiles read by our Dockerfile reader.
    """
    name = PurePosixPath(path).name
    suffix = PurePosixPath(path).suffix.lower()
    try:
        if suffix in {".py", ".pyi"}:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(text, name, "exec", dont_inherit=True)
        elif suffix in {".json", ".ipynb"}:
            load_json(text)
        elif suffix in {".yml", ".yaml"}:
            for _ in yaml.compose_all(text, Loader=yaml.SafeLoader):
                pass
        elif name.lower().startswith("dockerfile") or suffix == ".dockerfile":
            return all(i.keyword.isalpha() for i in parse_dockerfile(text))
        else:
            return None
    except (SyntaxError, ValueError, yaml.YAMLError, RecursionError):
        return False
    return True


def check_still_parses(path: str, before: str, after: str) -> None:
    """Raise FixRefused when ``before`` parses and ``after`` does not."""
    if parses(path, before) and parses(path, after) is False:
        raise FixRefused(f"{path} would no longer parse after the fix; left unchanged")


def write_text(root: Path, path: str, text: str) -> None:
    """Replace a file inside ``root`` with ``text`` atomically, keeping its permissions."""
    file = _resolve(root, path)
    mode = stat.S_IMODE(file.lstat().st_mode)
    try:
        # the check before the rename: still a regular file, reached without a symlink
        replace_file(
            file,
            lambda out: out.write(text.encode("utf-8")),
            mode=mode,
            check=lambda: _resolve(root, path),
        )
    except OSError as exc:
        raise FixRefused(f"{path} cannot be written: {exc.strerror}") from None
