#!/usr/bin/env python3
"""Regenerate the id skeleton of policies/frameworks/mitre-atlas.yaml from an ATLAS release.

The ids, the tactics and which technique belongs where are facts of the release; the titles,
coverage, mappings and reasons in our framework file are ours. This script rebuilds the first
from `dist/ATLAS.yaml` of a checkout of github.com/mitre-atlas/atlas-data and keeps the second,
so a new ATLAS release is a refresh, not a rewrite:

- sections are the tactics of the release's matrices, in the release's order;
- a technique goes in the section of the first tactic it lists, a sub-technique in its parent's;
- a requirement already in the framework file keeps its title, coverage, mappings and reason;
- a technique new in the release is added as not-covered, titled with its ATLAS name and a
  reason saying it has not been reviewed yet, for a person to write its title and map it;
- a technique gone from the release is dropped and named on stderr, but the script refuses
  (exit 2) to drop one that has mappings unless --drop-mapped is given;
- the file's version becomes the release's, and its notes name the release and the commit.

Usage:
    python scripts/atlas_framework.py ATLAS_DATA_DIR_OR_YAML policies/frameworks/mitre-atlas.yaml
        [--commit SHA] [--output FILE] [--check] [--drop-mapped]

With --check nothing is written: the exit status is 1 when the file would change.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

TECHNIQUE_ID = re.compile(r"AML\.T\d{4}(?:\.\d{3})?")
TACTIC_ID = re.compile(r"AML\.TA\d{4}")
RELEASE_WORDS = re.compile(r"release \d+(?:\.\d+)*")
COMMIT_WORDS = re.compile(r"commit [0-9a-f]{7,40}")
HEADER = (
    "# MITRE ATLAS as a framework. The id skeleton (sections, ids, which tactic) is regenerated\n"
    "# by scripts/atlas_framework.py from mitre-atlas/atlas-data; titles, coverage, mappings and\n"
    "# reasons are ours and survive a refresh. Edit those here; rerun the script for a release.\n"
)
DEFAULT_HEAD: dict[str, Any] = {
    "id": "mitre-atlas",
    "aliases": ["atlas"],
    "title": "MITRE ATLAS — adversary techniques against AI systems",
    "publisher": "The MITRE Corporation",
    "source": "https://atlas.mitre.org/",
    "notes": "Generated from mitre-atlas/atlas-data release 0 at commit 0000000.",
}
HEAD_KEYS = ("id", "aliases", "title", "version", "publisher", "source", "effective", "notes")


class AtlasError(Exception):
    """The ATLAS data or the framework file cannot be used as they are."""


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AtlasError(f"{path}: cannot read YAML: {exc}") from exc


def _release_file(source: Path) -> Path:
    return source / "dist" / "ATLAS.yaml" if source.is_dir() else source


def _git_commit(source: Path) -> str | None:
    if not source.is_dir():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    sha = done.stdout.strip()
    return sha if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", sha) else None


def _id_key(ident: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", ident))


def read_release(path: Path) -> tuple[str, list[dict[str, str]], list[dict[str, str]]]:
    """Return the release version, its tactics and its techniques (id, name, section)."""
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("matrices"), list):
        raise AtlasError(f"{path}: not an ATLAS release file (no 'matrices' list)")
    version = str(data.get("version") or "")
    if not re.fullmatch(r"\d+(?:\.\d+)*", version):
        raise AtlasError(f"{path}: release version {version!r} is not a dotted number")
    tactics: list[dict[str, str]] = []
    raw: dict[str, dict[str, Any]] = {}
    for matrix in data["matrices"]:
        for tactic in matrix.get("tactics") or []:
            tid = str(tactic.get("id"))
            if not TACTIC_ID.fullmatch(tid):
                raise AtlasError(f"{path}: tactic id {tid!r} is not AML.TAnnnn")
            if all(t["id"] != tid for t in tactics):
                tactics.append({"id": tid, "name": str(tactic.get("name") or tid)})
        for tech in matrix.get("techniques") or []:
            tid = str(tech.get("id"))
            if not TECHNIQUE_ID.fullmatch(tid):
                raise AtlasError(f"{path}: technique id {tid!r} is not AML.Tnnnn[.nnn]")
            if tid in raw:
                raise AtlasError(f"{path}: technique {tid} appears twice")
            raw[tid] = tech
    known = {t["id"] for t in tactics}
    techniques: list[dict[str, str]] = []
    for tid, tech in raw.items():
        parent = tech.get("subtechnique-of")
        owner = raw.get(str(parent)) if parent else tech
        if owner is None:
            raise AtlasError(f"{path}: {tid} is a sub-technique of unknown {parent}")
        listed = owner.get("tactics") or []
        if not listed or str(listed[0]) not in known:
            raise AtlasError(f"{path}: {tid} has no tactic of the matrix")
        techniques.append({"id": tid, "name": str(tech.get("name") or tid), "section": listed[0]})
    order = {t["id"]: i for i, t in enumerate(tactics)}
    techniques.sort(key=lambda t: (order[t["section"]], _id_key(t["id"])))
    return version, tactics, techniques


def _notes(old: str, version: str, commit: str | None) -> str:
    text = RELEASE_WORDS.sub(f"release {version}", old.strip())
    if commit:
        text = COMMIT_WORDS.sub(f"commit {commit}", text)
    if not RELEASE_WORDS.search(text):
        text += f" Generated from mitre-atlas/atlas-data release {version}."
    return text


def _new_requirement(tech: dict[str, str], version: str) -> dict[str, Any]:
    return {
        "id": tech["id"],
        "title": tech["name"],
        "section": tech["section"],
        "coverage": "not-covered",
        "reason": f"New in ATLAS release {version}; not yet reviewed against the controls.",
    }


def _kept_requirement(old: dict[str, Any], section: str) -> dict[str, Any]:
    req: dict[str, Any] = {"id": old["id"], "title": old["title"], "section": section}
    req["coverage"] = old.get("coverage", "not-covered")
    for key in ("mappings", "reason"):
        if old.get(key):
            req[key] = old[key]
    return req


def regenerate(
    release: Path, existing: dict[str, Any], commit: str | None, drop_mapped: bool
) -> tuple[dict[str, Any], list[str]]:
    """Merge the release skeleton with our existing framework data; return it and a change log."""
    version, tactics, techniques = read_release(release)
    old_reqs = {str(r["id"]): r for r in existing.get("requirements") or []}
    old_secs = {str(s["id"]): s for s in existing.get("sections") or []}
    log: list[str] = []
    current = {t["id"] for t in techniques}
    gone = sorted((i for i in old_reqs if i not in current), key=_id_key)
    mapped_gone = [i for i in gone if old_reqs[i].get("mappings")]
    if mapped_gone and not drop_mapped:
        raise AtlasError(
            "techniques with mappings are gone from the release (rerun with --drop-mapped "
            f"after moving their mappings): {', '.join(mapped_gone)}"
        )
    log += [f"dropped {i}" for i in gone]
    requirements = []
    for tech in techniques:
        old = old_reqs.get(tech["id"])
        if old is None:
            log.append(f"added {tech['id']} ({tech['name']})")
            requirements.append(_new_requirement(tech, version))
            continue
        if old.get("section") != tech["section"]:
            log.append(f"moved {tech['id']} to {tech['section']}")
        requirements.append(_kept_requirement(old, tech["section"]))
    sections = []
    for tactic in tactics:
        old_sec = old_secs.get(tactic["id"])
        if old_sec is None and old_secs:
            log.append(f"added tactic {tactic['id']} ({tactic['name']})")
        title = str(old_sec["title"]) if old_sec else tactic["name"]
        sections.append({"id": tactic["id"], "title": title, "parent": None})
    log += [f"dropped tactic {i}" for i in old_secs if all(t["id"] != i for t in tactics)]
    head = {k: existing.get(k, DEFAULT_HEAD.get(k)) for k in HEAD_KEYS}
    head["version"] = version
    head["notes"] = _notes(str(head["notes"] or ""), version, commit)
    doc = {k: v for k, v in head.items() if v is not None}
    doc["sections"] = sections
    doc["requirements"] = requirements
    return doc, log


def render(doc: dict[str, Any]) -> str:
    """Serialise the framework deterministically, with the explanatory header."""
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def main(argv: list[str] | None = None) -> int:
    """Run the command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("atlas", type=Path, help="atlas-data checkout or its dist/ATLAS.yaml")
    parser.add_argument("framework", type=Path, help="our framework file (read if it exists)")
    parser.add_argument("--commit", help="atlas-data commit (default: the checkout's HEAD)")
    parser.add_argument("--output", type=Path, help="where to write (default: the framework file)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on change")
    parser.add_argument("--drop-mapped", action="store_true", help="drop gone mapped ids too")
    args = parser.parse_args(argv)
    try:
        existing = _load_yaml(args.framework) if args.framework.exists() else {}
        if not isinstance(existing, dict):
            raise AtlasError(f"{args.framework}: not a framework mapping")
        commit = args.commit or _git_commit(args.atlas)
        doc, log = regenerate(_release_file(args.atlas), existing, commit, args.drop_mapped)
    except AtlasError as exc:
        print(f"atlas_framework: {exc}", file=sys.stderr)
        return 2
    text = render(doc)
    for line in log:
        print(line, file=sys.stderr)
    target = args.output or args.framework
    if args.check:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{target} would change", file=sys.stderr)
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}: {len(doc['requirements'])} techniques", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
