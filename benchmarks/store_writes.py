"""What a scan's cache writes cost: one file per entry, or the bundle alone (``bundle_only``).

Reads the entries a scan left in a cache folder (``--from``: e.g. a fresh-cache diff scan of
the speed tree, 3,300 entries) and puts them, with the same keys and bodies, into a new store
of each kind in turn, closing it (the bundle written), interleaved ``--rounds`` times. Prints
the CPU seconds (user, system) of the puts and the close, and the files each kind left.

    python benchmarks/store_writes.py --from CACHE_DIR [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

from mlsec_policy.cache.store import FOLDER, ResultStore
from mlsec_policy.models import JsonValue


def entries(cache: Path) -> dict[str, JsonValue]:
    """Return the values of the loose entries of a store folder (not its bundles' lines)."""
    found: dict[str, JsonValue] = {}
    for path in sorted((cache / FOLDER).glob("??/*")):
        header, _, body = path.read_bytes().partition(b"\n")
        fields = header.split(b" ")
        if len(fields) == 4:
            found[fields[2].decode("ascii")] = json.loads(body)
    return found


def one_round(values: dict[str, JsonValue], bundle_only: bool) -> tuple[float, float, int]:
    """Put ``values`` in a fresh store and close it; return user and system CPU-s, files."""
    folder = Path(tempfile.mkdtemp(prefix="store-writes-"))
    try:
        before = os.times()
        store = ResultStore(folder, 1 << 34, "('tree', 'diff')", bundle_only=bundle_only)
        for key, value in values.items():
            store.put(key, value)
        store.close()
        after = os.times()
        files = sum(1 for _ in (folder / FOLDER).glob("??/*"))
        return after.user - before.user, after.system - before.system, files
    finally:
        shutil.rmtree(folder)


def main() -> int:
    """Measure both kinds of store, interleaved."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="source", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    values = entries(args.source)
    print(f"{len(values)} entries")
    for _ in range(args.rounds):
        for bundle_only in (False, True):
            user, system, files = one_round(values, bundle_only)
            kind = "bundle only  " if bundle_only else "file per entry"
            print(f"{kind} user {user:.2f} sys {system:.2f} CPU-s, {files} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
