"""Lay out a work tree of one manifest repository at its pinned commit.

Usage: python benchmarks/realworld/checkout.py SOURCE DEST COMMIT

SOURCE is anything `git clone` accepts: a URL on a machine with network, or the bare git
directory that the session's fetch tool brings (/work/.mirror/owner+name/repo). Such
snapshots lack files of 4 MiB and more; a plain checkout stops at the first missing blob.
This script checks out every file whose blob is present, marks the absent ones
skip-worktree (so `git status` stays clean and HEAD is the pinned commit), and writes their
paths to DEST/.git/realworld-absent.txt, which run.py reports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ABSENT_LIST = "realworld-absent.txt"


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=False
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise SystemExit(f"git {' '.join(args)} failed in {repo}: {message}")
    return result.stdout


def absent_blobs(repo: Path, commit: str) -> list[str]:
    """Paths of the commit's files whose blobs the object store does not hold."""
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit)
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        _mode, kind, sha = meta.split(b" ")
        if kind == b"blob":
            entries.append((sha.decode(), path.decode(errors="surrogateescape")))
    batch = "".join(f"{sha}\n" for sha, _ in entries).encode()
    answers = _git(repo, "cat-file", "--batch-check", stdin=batch).decode().splitlines()
    return [path for (_, path), answer in zip(entries, answers, strict=True) if "missing" in answer]


def checkout(source: str, dest: Path, commit: str) -> list[str]:
    """Clone SOURCE into DEST at COMMIT; return the paths left out because their blob is absent."""
    if dest.exists():
        raise SystemExit(f"{dest} exists; remove it first")
    subprocess.run(["git", "clone", "-q", "--no-checkout", source, str(dest)], check=True)
    _git(dest, "update-ref", "--no-deref", "HEAD", commit)
    _git(dest, "read-tree", commit)
    absent = absent_blobs(dest, commit)
    if absent:
        paths = "".join(f"{path}\0" for path in absent).encode(errors="surrogateescape")
        _git(dest, "update-index", "--skip-worktree", "-z", "--stdin", stdin=paths)
    _git(dest, "checkout-index", "-a", "-f")
    (dest / ".git" / ABSENT_LIST).write_text("".join(f"{path}\n" for path in absent))
    return absent


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, dest, commit = argv
    absent = checkout(source, Path(dest), commit)
    print(f"{dest}: HEAD {commit}, {len(absent)} file(s) absent from the source")
    for path in absent:
        print(f"  absent: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
