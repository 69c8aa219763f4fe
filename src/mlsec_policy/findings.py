"""Turn raw hits into findings: severity, message, snippet, path class and both fingerprints.

Each text file with findings is read once to compute GitHub's line hashes. Whole-file
findings (a malicious pickle, a missing shard) and findings in binary files get a
content-derived line hash instead, so code scanning still deduplicates them.

Hits of one check that share a group key (:attr:`Observation.group`) become one finding, at
the first place in product code (else the first place), with the other places as related
locations: the same loose requirement in 24 near-identical manifests is one thing to fix.
Every finding is classed by its path (test, example, docs or product code, see
:mod:`mlsec_policy.pathclass`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from mlsec_policy.fingerprint import decode_source, line_hashes, stable_fingerprint
from mlsec_policy.models import Artifact, ArtifactKind, Finding, Hit, Location
from mlsec_policy.pathclass import PathClasses
from mlsec_policy.policy.model import Check, Policy

TEXT_KINDS = frozenset(ArtifactKind) - {
    ArtifactKind.MODEL_ARTIFACT,
    ArtifactKind.DATA_FILE,
    ArtifactKind.OTHER,
}
"""Kinds whose lines GitHub can show and hash."""

MAX_HASHED_BYTES = 64 * 1024 * 1024
MISSING_EVIDENCE = "missing-evidence"
"""The key of the finding an evidence control gets when no evidence was found."""
REPOSITORY = "<repository>"
RELATED_NAMED = 3
"""How many related places a grouped finding's message names."""


def build_findings(
    hits: Iterable[Hit],
    policy: Policy,
    root: Path,
    artifacts: Sequence[Artifact],
    classes: PathClasses | None = None,
    hasher: Callable[[str, Iterable[int]], dict[int, str]] = line_hashes,
) -> tuple[Finding, ...]:
    """Return one finding per hit (one per group), sorted, classed, with fingerprints.

    ``hasher`` gives the GitHub line hashes of a file's text (a scan's remembers them).
    """
    classes = classes or PathClasses()
    severities = policy.severities()
    by_path = {artifact.path: artifact for artifact in artifacts}
    ordered = sorted(merge_groups(hits, classes, policy), key=_hit_order)
    texts = _read_texts(ordered, by_path, root)
    hashes = {
        path: hasher(
            text,
            {
                h.observation.location.start_line or 1
                for h in ordered
                if h.observation.location.path == path
            },
        )
        for path, text in texts.items()
    }
    occurrences: dict[tuple[str, str, str], int] = defaultdict(int)
    findings: list[Finding] = []
    for hit in ordered:
        seen = hit.observation
        check = policy.check(hit.check_id)
        severity = seen.severity or check.severity or severities[hit.control_id]
        path = seen.location.path
        line = seen.location.start_line
        text = texts.get(path)
        if text is not None and line is not None:
            anchor = _line(text, line)
            line_hash = hashes[path].get(line)
        else:
            anchor = seen.key or seen.message or check.message
            line_hash = _content_hash(hit.check_id, path, anchor)
        if seen.key == MISSING_EVIDENCE:
            # one gap per control: its identity must not move with the file it is shown on
            path_key, anchor = REPOSITORY, MISSING_EVIDENCE
        else:
            path_key = path
        slot = (hit.check_id, path_key, " ".join(anchor.split()))
        occurrences[slot] += 1
        findings.append(
            Finding(
                control_id=hit.control_id,
                check_id=hit.check_id,
                severity=severity,
                message=seen.message or check.message,
                location=seen.location,
                fingerprint=stable_fingerprint(hit.check_id, path_key, anchor, occurrences[slot]),
                line_hash=line_hash,
                snippet=seen.snippet,
                related=seen.related,
                path_class=classes.classify(path),
                **_context(check, seen.context),
                flow=seen.flow,
            )
        )
    return tuple(sorted(findings, key=finding_order))


def _context(check: Check, context: str | None) -> dict[str, Any]:
    """Return the context fields of a finding: its check's risk codes for what the code handles.

    An unrecognised context, or one the check does not name, leaves the control's risk codes
    and phase (the fields stay empty).
    """
    declared = check.contexts.get(context) if context is not None else None
    if declared is None:
        return {}
    return {"context": context, "risks": declared.risks, "phase": declared.phase}


def merge_groups(hits: Iterable[Hit], classes: PathClasses, policy: Policy) -> list[Hit]:
    """Return the hits with every group (same check, same group key) merged into one hit.

    The merged hit is the group's first place in product code (else its first place), its
    message names how many other places hold the same, and those places are its related
    locations; its severity is the highest of the group.
    """
    groups: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    merged: list[Hit] = []
    for hit in set(hits):
        if hit.observation.group is None:
            merged.append(hit)
        else:
            groups[(hit.check_id, hit.observation.group)].append(hit)
    for members in groups.values():
        members.sort(key=lambda h: (classes.classify(h.observation.location.path) is not None,
                                    *_hit_order(h)))  # fmt: skip
        first = members[0]
        places = list(dict.fromkeys(h.observation.location for h in members[1:]))
        places = [p for p in places if p != first.observation.location]
        seen = first.observation
        if places:
            message = (seen.message or policy.check(first.check_id).message) + _also(places)
            severities = [h.observation.severity for h in members if h.observation.severity]
            seen = replace(
                seen,
                message=message,
                severity=max(severities) if severities else None,
                related=tuple(places),
            )
        merged.append(replace(first, observation=seen))
    return merged


def _also(places: Sequence[Location]) -> str:
    named = ", ".join(_place(p) for p in places[:RELATED_NAMED])
    more = " …" if len(places) > RELATED_NAMED else ""
    count = len(places)
    return f" (also in {count} other place{'s' if count != 1 else ''}: {named}{more})"


def _place(location: Location) -> str:
    if location.start_line is None:
        return location.path
    if location.cell is not None:
        return f"{location.path} cell {location.cell.index}"
    return f"{location.path}:{location.start_line}"


def finding_order(finding: Finding) -> tuple[str, str, int, int, str, str]:
    """Sort key that makes every report list findings in the same order."""
    location = finding.location
    return (
        finding.control_id,
        location.path,
        location.start_line or 0,
        location.start_column or 0,
        finding.check_id,
        finding.message,
    )


def _hit_order(hit: Hit) -> tuple[str, int, int, str, str, str]:
    seen = hit.observation
    return (
        seen.location.path,
        seen.location.start_line or 0,
        seen.location.start_column or 0,
        hit.check_id,
        seen.message or "",
        seen.key or "",
    )


def _read_texts(
    hits: Sequence[Hit], artifacts: Mapping[str, Artifact], root: Path
) -> dict[str, str]:
    texts: dict[str, str] = {}
    for hit in hits:
        path = hit.observation.location.path
        artifact = artifacts.get(path)
        if path in texts or artifact is None or artifact.kind not in TEXT_KINDS:
            continue
        if artifact.size > MAX_HASHED_BYTES:
            continue
        try:
            texts[path] = decode_source((root / path).read_bytes())
        except OSError:
            continue
    return texts


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if 1 <= number <= len(lines) else ""


def _content_hash(check_id: str, path: str, anchor: str) -> str:
    digest = hashlib.sha256(f"{check_id}|{path}|{anchor}".encode()).hexdigest()[:16]
    return f"{digest}:1"
