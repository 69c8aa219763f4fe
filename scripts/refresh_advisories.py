#!/usr/bin/env python3
"""Rebuild policies/advisories/ml-packages.json from the PyPA advisory database.

    python scripts/refresh_advisories.py --checkout DIR [--date YYYY-MM-DD] [--commit SHA]
    python scripts/refresh_advisories.py --osv-api          # when online: api.osv.dev

DIR is a work tree of https://github.com/pypa/advisory-database (OSV records as YAML under
``vulns/<package>/``; licensed CC-BY 4.0, credited in the snapshot's ``source``). Only the
packages listed in the current snapshot's ``packages`` are kept (edit that list to add one).
For each record the ECOSYSTEM ranges become (introduced, fixed | last_affected) pairs and the
explicit versions are kept only when no range is given. Entries whose ``origin`` is
``curated`` (added by hand, with their reference) are carried over unchanged unless the
database now holds the same id or alias. Output is sorted and stable.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

SNAPSHOT = Path(__file__).resolve().parent.parent / "policies" / "advisories" / "ml-packages.json"
OSV_QUERY = "https://api.osv.dev/v1/query"
SOURCE = {
    "name": "PyPA advisory database",
    "url": "https://github.com/pypa/advisory-database",
    "license": "CC-BY-4.0",
    "credit": "Advisory data from the Python Packaging Authority advisory database (OSV "
    "format), licensed under CC-BY 4.0.",
}


def ranges(affected: dict[str, Any]) -> list[dict[str, str]]:
    """Return the ECOSYSTEM ranges of one ``affected`` entry as introduced/fixed pairs."""
    pairs: list[dict[str, str]] = []
    for block in affected.get("ranges") or []:
        if block.get("type") != "ECOSYSTEM":
            continue
        current: dict[str, str] | None = None
        for event in block.get("events") or []:
            if "introduced" in event:
                current = {"introduced": str(event["introduced"])}
                pairs.append(current)
            elif current is not None and ("fixed" in event or "last_affected" in event):
                key = "fixed" if "fixed" in event else "last_affected"
                current[key] = str(event[key])
                current = None
    return pairs


def entries(record: dict[str, Any], packages: set[str]) -> Iterator[dict[str, Any]]:
    """Yield one snapshot entry per affected ML package of an OSV record."""
    for affected in record.get("affected") or []:
        package = affected.get("package") or {}
        name = str(package.get("name", "")).lower().replace("_", "-").replace(".", "-")
        if package.get("ecosystem") != "PyPI" or name not in packages:
            continue
        found = ranges(affected)
        entry: dict[str, Any] = {
            "id": record["id"],
            "package": name,
            "aliases": sorted(record.get("aliases") or []),
            "ranges": found,
            "published": str(record.get("published", ""))[:10],
            "url": f"https://osv.dev/vulnerability/{record['id']}",
        }
        if not found:
            entry["versions"] = sorted(str(v) for v in affected.get("versions") or [])
        if record.get("withdrawn"):
            continue
        yield entry


def from_checkout(checkout: Path, packages: set[str]) -> list[dict[str, Any]]:
    """Read every record of the wanted packages from a database work tree."""
    found: list[dict[str, Any]] = []
    for folder in sorted((checkout / "vulns").iterdir()):
        if folder.name.lower() not in packages:
            continue
        for file in sorted(folder.glob("*.yaml")):
            record = yaml.safe_load(file.read_text(encoding="utf-8"))
            if isinstance(record, dict):
                found.extend(entries(record, packages))
    return found


def from_osv(packages: Iterable[str]) -> list[dict[str, Any]]:
    """Ask the OSV API for each package's PyPI advisories (needs the network)."""
    found: list[dict[str, Any]] = []
    for name in sorted(packages):
        body = json.dumps({"package": {"name": name, "ecosystem": "PyPI"}}).encode()
        request = urllib.request.Request(
            OSV_QUERY, body, {"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            records = json.load(response).get("vulns") or []
        for record in records:
            found.extend(entries(record, {name}))
    return found


def merge(fresh: list[dict[str, Any]], old: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the fresh entries plus the curated ones the database does not hold yet."""
    known = {e["id"] for e in fresh} | {a for e in fresh for a in e["aliases"]}
    kept = [
        e
        for e in old.get("advisories", [])
        if e.get("origin") == "curated" and not ({e["id"], *e.get("aliases", [])} & known)
    ]
    unique = {(e["package"], e["id"]): e for e in [*fresh, *kept]}
    return [unique[key] for key in sorted(unique)]


def render(snapshot: dict[str, Any]) -> str:
    """Return the snapshot as JSON text with one advisory per line (small, readable diffs)."""
    head = {k: v for k, v in snapshot.items() if k != "advisories"}
    lines = json.dumps(head, indent=1, sort_keys=True)[:-2]
    rows = ",\n".join("  " + json.dumps(e, sort_keys=True) for e in snapshot["advisories"])
    return f'{lines},\n "advisories": [\n{rows}\n ]\n}}\n'


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, rebuild the snapshot and write it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, help="work tree of pypa/advisory-database")
    parser.add_argument("--osv-api", action="store_true", help="query api.osv.dev instead")
    parser.add_argument("--date", help="snapshot date (default: the database commit's date)")
    parser.add_argument("--commit", help="database commit the checkout is at")
    parser.add_argument("--output", type=Path, default=SNAPSHOT)
    args = parser.parse_args(argv)
    old = json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}
    packages = set(old.get("packages", []))
    if not packages:
        print("the snapshot lists no packages to keep", file=sys.stderr)
        return 2
    if args.checkout:
        fresh = from_checkout(args.checkout, packages)
    elif args.osv_api:
        fresh = from_osv(packages)
    else:
        parser.error("give --checkout DIR or --osv-api")
    source = dict(SOURCE)
    if args.commit:
        source["commit"] = args.commit
    if args.osv_api:
        source["via"] = OSV_QUERY
    snapshot = {
        "snapshot": args.date or old.get("snapshot", "unknown"),
        "source": source,
        "packages": sorted(packages),
        "advisories": merge(fresh, old),
    }
    args.output.write_text(render(snapshot), "utf-8")
    print(f"{len(snapshot['advisories'])} advisories for {len(packages)} packages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
