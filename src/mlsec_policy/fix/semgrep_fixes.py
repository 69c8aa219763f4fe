"""Fixes that semgrep rules declare (``fix:`` or ``fix-regex:``), read from semgrep's JSON.

Semgrep is never asked to change a file (no ``--autofix``). The checks that declare a fix run
once more, on the files where they have active findings only, and each result's ``extra.fix``
(the text that replaces the match) becomes an edit of the match's byte range. Only edits at an
active finding are kept, so a suppressed, waived or baselined finding is never "fixed".
Notebooks are scanned through their Python view, written to a scratch folder, and a fix of the
view is mapped back to the cell's source line in the notebook's JSON text (see
:mod:`.notebook_fixes`). Other files semgrep reads through a view (extension-less scripts,
templates) are left alone: their offsets are not the file's.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.process import find_binary, run_rules
from mlsec_policy.errors import EngineUnavailableError
from mlsec_policy.fix.edits import byte_span, text_edit
from mlsec_policy.fix.files import FixRefused, read_text
from mlsec_policy.fix.notebook_fixes import map_fix
from mlsec_policy.models import FileChange, Finding, FixProposal, Location, Severity, TextEdit
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import SemgrepCheck
from mlsec_policy.views.base import View, ViewError
from mlsec_policy.views.notebook import notebook_view

PLAIN_PYTHON = frozenset({".py", ".pyi"})
"""Suffixes of files semgrep reads as they are (their offsets are the file's own)."""

Key = tuple[str, int, str]
"""A finding's path, start line (of the raw file, for a notebook) and check id."""


Change = tuple[str, str, TextEdit]
"""The code a fix replaces, the code it puts there, and the edit of the file's text."""


@dataclass(frozen=True, slots=True)
class Viewed:
    """A notebook semgrep scans through its Python view: its path, raw text and view."""

    path: str
    raw: str
    view: View


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
            or place.start_line is None
            or not _fixable_place(place)
        ):
            continue
        wanted.setdefault((place.path, place.start_line, finding.check_id), finding)
    if not wanted:
        return {}
    used = [checks[c] for c in sorted({key[2] for key in wanted})]
    paths = sorted({k[0] for k in wanted})
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-fix-") as scratch:
        folder = Path(scratch)
        views = _write_views(root, [p for p in paths if _is_notebook(p)], folder)
        plain = [p for p in paths if not _is_notebook(p)]
        output = _run(used, [*plain, *views], severities, root, settings, folder)
    edits: dict[Key, list[Change]] = defaultdict(list)
    texts: dict[str, str | None] = {}
    for result in output.get("results", []):
        fix = result.get("extra", {}).get("fix")
        seen = views.get(str(result.get("path", "")))
        key = _key(result) if seen is None else _view_key(result, seen)
        if key not in wanted or not isinstance(fix, str):
            continue
        if seen is not None:
            edits[key].extend(_view_edits(seen, result, fix))
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
            (FileChange(key[0], tuple(edit for _, _, edit in found)),),
        )
        for key, found in sorted(edits.items())
        if found
    }


def _fixable_place(place: Location) -> bool:
    """Return whether a semgrep fix at ``place`` can be mapped to the file's own text."""
    if _is_notebook(place.path):
        return place.cell is not None
    return place.cell is None and PurePosixPath(place.path).suffix in PLAIN_PYTHON


def _is_notebook(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() == ".ipynb"


def _write_views(root: Path, notebooks: Sequence[str], folder: Path) -> dict[str, Viewed]:
    """Write the Python view of each notebook under ``folder``; return them by scratch path."""
    views: dict[str, Viewed] = {}
    for number, path in enumerate(notebooks):
        raw = _text(root, path)
        if raw is None:
            continue
        try:
            view = notebook_view(raw, PurePosixPath(path).stem)
        except ViewError:
            continue
        target = folder / f"view-{number}" / view.file_name
        target.parent.mkdir()
        target.write_text(view.text, encoding="utf-8")
        views[str(target)] = Viewed(path, raw, view)
    return views


def _view_key(result: Mapping[str, Any], seen: Viewed) -> Key | None:
    """Return the key of a result in a notebook's view: the notebook and the raw line."""
    line = result.get("start", {}).get("line")
    if not isinstance(line, int) or seen.view.origins is None:
        return None
    check = str(result.get("check_id", "")).rsplit(".", 1)[-1]
    return (seen.path, seen.view.origin(line).line, check)


def _view_edits(seen: Viewed, result: Mapping[str, Any], fix: str) -> list[Change]:
    """Return the notebook edits of a fix semgrep made to the view (none when refused)."""
    span = _span(seen.view.text, result)
    if span is None:
        return []
    found = map_fix(seen.raw, seen.view, span[0], span[1], fix)
    return [] if found is None else [(found.old, found.new, edit) for edit in found.edits]


def _run(
    checks: Sequence[SemgrepCheck],
    paths: Sequence[str],
    severities: Mapping[str, Severity],
    root: Path,
    settings: SemgrepSettings,
    folder: Path,
) -> dict[str, Any]:
    """Run the checks over ``paths``; return semgrep's JSON (empty when it could not run)."""
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


def _span(text: str, result: Mapping[str, Any]) -> tuple[int, int] | None:
    """Return the character range of ``text`` a semgrep result matched (by its byte offsets)."""
    begin, end = result.get("start", {}).get("offset"), result.get("end", {}).get("offset")
    if not isinstance(begin, int) or not isinstance(end, int) or not 0 <= begin <= end:
        return None
    data = text.encode("utf-8")
    if end > len(data):
        return None
    try:
        return byte_span(data, begin, end)
    except UnicodeDecodeError:
        return None


def _edit(text: str, result: Mapping[str, Any], fix: str) -> Change | None:
    """Return the text one semgrep result replaces and its edit (None: it changes nothing)."""
    span = _span(text, result)
    if span is None:
        return None
    start, stop = span
    if text[start:stop] == fix:
        return None
    return text[start:stop], fix, text_edit(text, start, stop, fix)


def _describe(finding: Finding, first: Change) -> str:
    """Return a one-line description: what is replaced by what."""
    old, edit = " ".join(first[0].split()), " ".join(first[1].split())
    return _clip(f"{finding.check_id}: {old} → {edit}")


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
