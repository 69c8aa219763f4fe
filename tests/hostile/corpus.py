"""A hostile-input corpus, written by code at test time (nothing binary is committed).

Each :class:`Case` builds one small repository shape meant to break a scanner: names that are
not UTF-8, symlinks out of the root, FIFOs, alias bombs, binary bytes under source names,
archives that lie about their sizes, broken git folders, report injection. Every case also
holds one plain violation (``pickle.loads(request.data)`` in its ``app.py``) that must still be
reported, and names the hostile paths that must be reported as a finding, a skipped file or
an error. Cases that do not interfere are built side by side under one root and scanned once;
cases that need the whole tree or the environment (``alone``) are scanned on their own.

A file outside the root holds a planted secret and a violation of its own: a scan that reads
outside the root shows it in a report.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile import shapes, shapes_git
from tests.hostile.shapes import (
    PLAIN,
    PLAIN_LINE,
    git_broken,
    git_corrupt_objects,
    git_detached_locked,
    git_gitfile,
    git_shallow,
    pickles,
    plain,
    write,
    zip_bomb,
)

OUTSIDE_SECRET = "hf_OutsideRootPlantedQ7mZ2xKp9LwV4nRt8Ys3"
"""Written only outside the scanned root: it must never appear in any output."""

SECRETS = (
    "hf_PlantedHostileQ7mZ2xKp9LwV4nRt8Ys3a",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dcPlanted",
    "ghp_Planted0123456789abcdefABCDEFghijKLMN",
    "AKIAPLANTED7HOSTILE9",
    "glpat-Planted9HostileXy7Zq2Wm",
)
"""Credentials planted inside the root on lines that also hold findings."""

__all__ = ["CASES", "OUTSIDE_SECRET", "PLAIN", "PLAIN_LINE", "SECRETS", "Case", "build"]
__all__ += ["alias_bomb", "plain", "write"]

Builder = Callable[[Path, Path], None]
"""Writes a case: (the case folder, a folder outside the root for planted files)."""


@dataclass(frozen=True)
class Case:
    """One hostile shape."""

    name: str
    category: str
    build: Builder
    hostile: tuple[str, ...] = ()
    """Paths (relative to the case folder) that must be reported: finding, skip or error."""
    alone: bool = False
    """Needs its own scan (the tree root, git state or environment is the hostile part)."""
    env: Mapping[str, str | None] = field(default_factory=dict)
    """Environment changes for an ``alone`` case (None removes the variable)."""
    needs_git: bool = False
    unprivileged: bool = False
    """Only meaningful when not running as root (permissions do not stop root)."""
    needs_root: bool = False
    """Only meaningful as root (only root can give a folder to another user)."""
    incomplete: bool | None = None
    """True: exit code 3 is required; False: exit code 1 is required; None: either."""


# --- filesystem -------------------------------------------------------------------------


def _names(folder: Path, _outside: Path) -> None:
    plain(folder)
    base = os.fsencode(folder)
    names = (b"bad\xff\xfename.py", b"line\nbreak.py", b"tab\there.yaml", b"\x1b]0;pwned\x07.py")
    for name in names:
        Path(os.fsdecode(base + b"/" + name)).write_bytes(
            b"import pickle\nx = pickle.loads(open('m', 'rb').read())\n"
        )
    write(folder / "--help.py", "import os\nos.system(input())\n")
    write(folder / "-rf.yaml", "a: 1\n")
    write(folder / ("n" * 240 + ".py"), "x = 1\n")
    write(folder / "cafe\u0301.py", "x = 1\n")
    write(folder / "caf\u00e9.py", "x = 2\n")


def _symlinks_out(folder: Path, outside: Path) -> None:
    plain(folder)
    secret_file = outside / "stolen.py"
    write(secret_file, f"import pickle\ntoken = '{OUTSIDE_SECRET}'\npickle.loads(token)\n")
    write(outside / "dir" / "leak.py", f"key = '{OUTSIDE_SECRET}'\n")
    (folder / "escape.py").symlink_to(secret_file)
    (folder / "escape_dir").symlink_to(outside / "dir", target_is_directory=True)
    (folder / "absolute_etc").symlink_to("/etc/passwd")
    (folder / "relative_up.yaml").symlink_to("../../../../../../../../etc/hostname")


def _symlinks_odd(folder: Path, _outside: Path) -> None:
    plain(folder)
    (folder / "loop_a.py").symlink_to("loop_b.py")
    (folder / "loop_b.py").symlink_to("loop_a.py")
    (folder / "self.py").symlink_to("self.py")
    (folder / "zero.py").symlink_to("/dev/zero")
    (folder / "random.pt").symlink_to("/dev/urandom")
    (folder / "inside.py").symlink_to("app.py")
    (folder / "dangling.yaml").symlink_to("does/not/exist.yaml")
    (folder / "dirloop").symlink_to(".", target_is_directory=True)


def _fifo(folder: Path, _outside: Path) -> None:
    plain(folder)
    os.mkfifo(folder / "pipe.py")
    os.mkfifo(folder / "requirements.txt")


def _unreadable(folder: Path, _outside: Path) -> None:
    plain(folder)
    write(folder / "locked.py", "import os\nos.system(input())\n")
    (folder / "locked.py").chmod(0)
    write(folder / "closed" / "inner.py", "x = 1\n")
    (folder / "closed").chmod(0)


def _deep_tree(folder: Path, _outside: Path) -> None:
    plain(folder)
    deep = folder.joinpath(*["d"] * 120)
    write(deep / "bottom.py", "import pickle\npickle.loads(open('f','rb').read())\n")


# --- sizes -------------------------------------------------------------------------------


def _huge_line(folder: Path, _outside: Path) -> None:
    plain(folder)
    write(folder / "long_line.py", "x = '" + "a" * 1_500_000 + "'\n")
    write(folder / "long_line.yaml", "key: " + "b" * 900_000 + "\n")


def _oversized(folder: Path, _outside: Path) -> None:
    plain(folder)
    write(folder / "big.py", "x = 1\n" * 600_000)


def _sparse(folder: Path, _outside: Path) -> None:
    plain(folder)
    with (folder / "sparse.bin").open("wb") as handle:
        handle.truncate(8 * 1024**3)
    header = struct.pack("<Q", 2**62) + b"{"
    write(folder / "absurd.safetensors", header)
    gguf = b"GGUF" + struct.pack("<IQQ", 3, 2**60, 2**60)
    write(folder / "absurd.gguf", gguf)


# --- parsers -----------------------------------------------------------------------------


def alias_bomb() -> str:
    """Return a YAML "billion laughs": ten levels of nine aliases each (9^10 nodes)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def _yaml_bombs(folder: Path, _outside: Path) -> None:
    plain(folder)
    bomb = alias_bomb()
    write(folder / "docker-compose.yml", "services:\n  web:\n    image: nginx\n" + bomb)
    write(folder / "k8s" / "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n" + bomb)
    write(folder / ".github" / "workflows" / "ci.yml", "on: push\njobs: {}\n" + bomb)
    write(folder / "config.yaml", bomb)


def _deep_nesting(folder: Path, _outside: Path) -> None:
    plain(folder)
    depth = 50_000
    nested = "[" * depth + "]" * depth
    cell = {"cell_type": "code", "source": ["x = 1\n"], "metadata": {}, "outputs": []}
    notebook = (
        '{"cells": ['
        + json.dumps(cell)[:-1]
        + ', "execution_count": null, "extra": '
        + nested
        + '}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    write(folder / "deep.ipynb", notebook)
    write(folder / "deep.json", '{"a": ' + nested + "}")
    write(folder / "deep.yaml", "a: " + "[" * depth + "]" * depth + "\n")
    write(folder / "deep_map.yaml", "".join("  " * i + f"k{i}:\n" for i in range(400)))
    write(folder / "deep_expr.py", "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    write(folder / "deep_list.py", "x = " + "[" * 3000 + "]" * 3000 + "\n")


def _encodings(folder: Path, _outside: Path) -> None:
    plain(folder)
    source = "import os\nos.system(input())\n"
    write(folder / "utf16.py", "\ufeff".encode("utf-16-le") + source.encode("utf-16-le"))
    write(folder / "utf16_be.py", source.encode("utf-16"))
    write(folder / "latin1.py", "# caf\u00e9\n".encode("latin-1") + source.encode())
    write(folder / "bom.py", b"\xef\xbb\xbf" + source.encode())
    write(folder / "utf32.yaml", "a: 1\n".encode("utf-32"))


def _binary_as_text(folder: Path, _outside: Path) -> None:
    plain(folder)
    junk = bytes(range(256)) * 8
    write(folder / "binary.py", b"\xff\xfe\x00" + junk)
    write(folder / "requirements.txt", junk)
    write(folder / "Dockerfile", junk)
    write(folder / "settings.yaml", junk)
    write(folder / "notebook.ipynb", junk)
    write(folder / "data.json", junk)


def _broken_structure(folder: Path, _outside: Path) -> None:
    plain(folder)
    write(folder / "truncated.ipynb", '{"cells": [{"cell_type": "code", "source": ["impo')
    write(folder / "truncated.yaml", "a:\n  - b: [1, 2\n")
    write(folder / "truncated.json", '{"a": [1, 2')
    write(folder / "dupes.yaml", "image: a\nimage: b\nimage: c\n")
    write(folder / "dupes.json", '{"k": 1, "k": 2}')
    write(folder / "tags.yaml", "x: !!python/object/apply:os.system ['touch PWNED']\n")
    write(folder / "custom_tag.yaml", "x: !Ref Something\ny: !!binary aGVsbG8=\n")
    write(folder / "notebook_list.ipynb", "[1, 2, 3]")
    write(folder / "cells_string.ipynb", '{"cells": "nope", "nbformat": 4}')
    write(folder / "Dockerfile.broken", "FROM \\\n\\\n\\\n")
    write(folder / "pyproject.toml", "[project\nname = ")
    write(folder / "environment.yml", "dependencies: {a: [}\n")
    write(folder / "setup.cfg", "[metadata\nname\n")
    write(folder / "huge_int.json", '{"a": 1' + "0" * 5000 + "}")  # past Python's int limit


# --- report injection and secrets ------------------------------------------------------


def _injection(folder: Path, _outside: Path) -> None:
    plain(folder)
    lines = [
        "import pickle",
        "from flask import request",
        "",
        "",
        "def a():",
        "    return pickle.loads(request.data)  # <script>alert('x')</script></td>",
        "",
        "",
        "def b():",
        "    return pickle.loads(request.data)  # \x1b]0;pwned\x07\x1b[2J\x1b[31mred",
        "",
        "",
        "def c():",
        "    return pickle.loads(request.data)  # \x01\x0b\x0c control ]]> <!--",
        "",
        "",
        "def d():",
        "    return pickle.loads(request.data)  # | col | [x](javascript:alert(1)) ``` </details>",
    ]
    write(folder / "inject.py", "\n".join(lines) + "\n")


def _secrets_on_finding_lines(folder: Path, _outside: Path) -> None:
    plain(folder)
    lines = ["import pickle", "from flask import request", ""]
    for number, secret in enumerate(SECRETS):
        lines += ["", f"def f{number}():", f"    return pickle.loads(request.data)  # {secret}"]
    write(folder / "leaky.py", "\n".join(lines) + "\n")
    cell_lines = ["import pickle\n", f"pickle.loads(request.data)  # {SECRETS[1]}\n"]
    cell: dict[str, object] = {"cell_type": "code", "source": cell_lines, "metadata": {}}
    cell.update({"outputs": [], "execution_count": None})
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    write(folder / "leaky.ipynb", json.dumps(notebook, indent=1))
    write(folder / "broken_secret.py", f"def (:\n    x = '{SECRETS[0]}' ++ )\n")
    write(folder / "bad_secret.yaml", f"a: [{SECRETS[2]}\nb: }}\n")


# --- environment -------------------------------------------------------------------------


def _plain_only(folder: Path, _outside: Path) -> None:
    plain(folder)
    write(folder / "caf\u00e9.py", "x = 1\n")


CASES: tuple[Case, ...] = (
    Case(
        "names",
        "filesystem",
        _names,
        (
            "--help.py",
            "line\\x0abreak.py",
            "tab\\x09here.yaml",
            "bad\\xff\\xfename.py",
            "\\x1b]0;pwned\\x07.py",
        ),
    ),
    Case(
        "symlinks-out",
        "filesystem",
        _symlinks_out,
        ("escape.py", "escape_dir", "absolute_etc", "relative_up.yaml"),
    ),
    Case(
        "symlinks-odd",
        "filesystem",
        _symlinks_odd,
        ("loop_a.py", "self.py", "zero.py", "random.pt", "inside.py", "dangling.yaml", "dirloop"),
    ),
    Case("fifo", "filesystem", _fifo, ("pipe.py", "requirements.txt")),
    Case("unreadable", "filesystem", _unreadable, ("locked.py",), unprivileged=True),
    Case("deep-tree", "filesystem", _deep_tree, ("/".join(["d"] * 120) + "/bottom.py",)),
    Case("huge-line", "sizes", _huge_line),
    Case("oversized", "sizes", _oversized, ("big.py",)),
    Case("sparse", "sizes", _sparse, ("absurd.safetensors", "absurd.gguf")),
    Case(
        "yaml-bombs",
        "parsers",
        _yaml_bombs,
        ("docker-compose.yml", "k8s/deploy.yaml", ".github/workflows/ci.yml"),
    ),
    Case("deep-nesting", "parsers", _deep_nesting, ("deep.ipynb",)),
    Case("encodings", "parsers", _encodings, ("utf16.py", "utf16_be.py")),
    Case("binary-as-text", "parsers", _binary_as_text, ("binary.py", "notebook.ipynb")),
    Case(
        "broken-structure",
        "parsers",
        _broken_structure,
        ("truncated.ipynb", "notebook_list.ipynb", "cells_string.ipynb"),
    ),
    Case("zip-bombs", "archives", zip_bomb, ("bomb.pt", "traversal.pt", "nested.pt")),
    Case("pickles", "archives", pickles, shapes.PICKLE_FILES),
    Case("injection", "report", _injection, ("inject.py",)),
    Case("secrets", "report", _secrets_on_finding_lines, ("leaky.py", "leaky.ipynb")),
    Case("git-broken", "git", git_broken, alone=True),
    Case("git-gitfile", "git", git_gitfile, alone=True),
    Case("git-detached-locked", "git", git_detached_locked, ("untracked.py",), alone=True),
    Case("git-shallow", "git", git_shallow, alone=True, needs_git=True),
    Case("git-corrupt", "git", git_corrupt_objects, alone=True, needs_git=True),
    Case(
        "git-submodules",
        "git",
        lambda folder, outside: shapes_git.git_submodules(folder, outside, OUTSIDE_SECRET),
        shapes_git.SUBMODULES,
        alone=True,
        needs_git=True,
    ),
    Case("git-dubious-owner", "git", shapes_git.git_dubious_owner, alone=True, needs_root=True),
    Case(
        "git-dubious-flagged",
        "git",
        shapes_git.git_dubious_flagged,
        alone=True,
        env={"GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"},
    ),
    Case(
        "env-readonly-home",
        "environment",
        _plain_only,
        alone=True,
        env={"HOME": "/proc", "XDG_CACHE_HOME": None, "MLSEC_POLICY_CACHE_DIR": None},
        incomplete=False,
    ),
    Case(
        "env-c-locale",
        "environment",
        _plain_only,
        alone=True,
        env={"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": None, "PYTHONUTF8": "0"},
        incomplete=False,
    ),
    Case(
        "env-no-home",
        "environment",
        _plain_only,
        alone=True,
        env={"HOME": None, "XDG_CACHE_HOME": None},
        incomplete=False,
    ),
)
"""Every case, by category."""


def build(case: Case, folder: Path, outside: Path) -> None:
    """Write ``case`` into ``folder`` (created), with planted files under ``outside``."""
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    case.build(folder, outside)
