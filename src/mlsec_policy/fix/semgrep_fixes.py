"""Fixes that semgrep rules declare (``fix:`` or ``fix-regex:``), read from semgrep's JSON.

Semgrep is never asked to change a file (no ``--autofix``). The checks that declare a fix run
once more, on the files where they have active findings only, and each result's ``extra.fix``
(the text that replaces the match) becomes an edit of the match's byte range. Only edits at an
active finding are kept, so a suppressed, waived or baselined finding is never "fixed". Files
semgrep reads through a view (notebooks, extension-less scripts) are left alone: their offsets
are not the file's.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.process import find_binary, run_rules
from mlsec_policy.errors import EngineUnavailableError
from mlsec_policy.fix.edits import byte_span, text_edit
from mlsec_policy.fix.files import FixRefused, read_text
from mlsec_policy.models import FileChange, Finding, FixProposal, Severity, TextEdit
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import SemgrepCheck

PLAIN_PYTHON = frozenset({".py", ".pyi"})
"""Suffixes of files semgrep reads as they are (their offsets are the file's own)."""

Key = tuple[str, int, str]
"""A finding's path, start line and check id."""


def declares_fix(check: SemgrepCheck) -> bool:
    """Return whether a semgrep check's rule carries a fix."""
    return "fix" in check.rule or "fix-regex" in check.rule


def semgrep_fixes(
    findings: Sequence[Finding],
    checks: Mapping[str, SemgrepCheck],
    severities: Mapping[str, Severity],
    root: Path,
    settings: SemgrepSettings,
) -> dict[str, FixProposal]:
    """Return the fix of each active finding a fix-declaring check can mend, by fingerprint."""
    wanted: dict[Key, Finding] = {}
    for finding in findings:
        check = checks.get(finding.check_id)
        place = finding.location
        if (
            check is None
            or not declares_fix(check)
            or finding.suppression is not None
            or place.cell is not None
            or place.start_line is None
            or PurePosixPath(place.path).suffix not in PLAIN_PYTHON
        ):
            continue
        wanted.setdefault((place.path, place.start_line, finding.check_id), finding)
    if not wanted:
        return {}
    used = sorted({key[2] for key in wanted})
    output = _run(
        [checks[c] for c in used], sorted({k[0] for k in wanted}), severities, root, settings
    )
    edits: dict[Key, list[tuple[str, TextEdit]]] = defaultdict(list)
    texts: dict[str, str | None] = {}
    for result in output.get("results", []):
        key = _key(result)
        fix = result.get("extra", {}).get("fix")
        if key not in wanted or not isinstance(fix, str):
            continue
        if key[0] not in texts:
            texts[key[0]] = _text(root, key[0])
        text = texts[key[0]]
        edit = None if text is None else _edit(text, result, fix)
        if edit is not None:
            edits[key].append(edit)
    return {
        wanted[key].fingerprint: FixProposal(
            _describe(wanted[key], found[0]),
            (FileChange(key[0], tuple(edit for _, edit in found)),),
        )
        for key, found in sorted(edits.items())
    }


def _run(
    checks: Sequence[SemgrepCheck],
    paths: Sequence[str],
    severities: Mapping[str, Severity],
    root: Path,
    settings: SemgrepSettings,
) -> dict[str, Any]:
    """Run the checks over ``paths``; return semgrep's JSON (empty when it could not run)."""
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-fix-") as scratch:
        folder = Path(scratch)
        rules = folder / "fix-rules.yaml"
        write_rules(rules, checks, severities)
        try:
            result = run_rules(find_binary(settings), rules, paths, root, folder, settings)
        except EngineUnavailableError:
            return {}
    return result.output or {}


def _key(result: Mapping[str, Any]) -> Key | None:
    path = str(result.get("path", ""))
    path = path[2:] if path.startswith("./") else path
    line = result.get("start", {}).get("line")
    check = str(result.get("check_id", "")).rsplit(".", 1)[-1]
    return (path, line, check) if isinstance(line, int) else None


def _text(root: Path, path: str) -> str | None:
    try:
        return read_text(root, path)
    except FixRefused:
        return None


def _edit(text: str, result: Mapping[str, Any], fix: str) -> tuple[str, TextEdit] | None:
    """Return the text one semgrep result replaces and its edit (None: it changes nothing)."""
    begin, end = result.get("start", {}).get("offset"), result.get("end", {}).get("offset")
    if not isinstance(begin, int) or not isinstance(end, int) or not 0 <= begin <= end:
        return None
    data = text.encode("utf-8")
    if end > len(data):
        return None
    try:
        start, stop = byte_span(data, begin, end)
    except UnicodeDecodeError:
        return None
    if text[start:stop] == fix:
        return None
    return text[start:stop], text_edit(text, start, stop, fix)


def _describe(finding: Finding, first: tuple[str, TextEdit]) -> str:
    """Return a one-line description: what is replaced by what."""
    old, edit = " ".join(first[0].split()), " ".join(first[1].text.split())
    return _clip(f"{finding.check_id}: {old} → {edit}")


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
