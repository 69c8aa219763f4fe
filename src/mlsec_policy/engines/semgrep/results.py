"""Semgrep's JSON results turned into hits: locations mapped back through views, snippets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mlsec_policy.analyzers.patterns import context
from mlsec_policy.engines.semgrep.origins import url_sources
from mlsec_policy.engines.semgrep.target import Target, normal, read_scanned
from mlsec_policy.models import ArtifactKind, FlowStep, Hit, Location, Observation
from mlsec_policy.pathmatch import PathFilter
from mlsec_policy.policy.model import SemgrepCheck
from mlsec_policy.redact import redact

_MAX_SNIPPET = 400


def hits(
    output: Mapping[str, Any],
    by_scanned: Mapping[str, Target],
    by_id: Mapping[str, SemgrepCheck],
    root: Path,
) -> Iterable[Hit]:
    """Turn the results of semgrep's output into hits on the user's files."""
    texts: dict[str, bytes] = {}
    for result in output.get("results", []):
        check = by_id.get(str(result.get("check_id", "")).rsplit(".", 1)[-1])
        target = by_scanned.get(normal(str(result.get("path", ""))))
        if check is None or target is None:
            continue
        artifact = target.artifact
        if artifact.kind not in check.kinds or not PathFilter.of(check).allows(artifact.path):
            continue
        start, end = result.get("start", {}), result.get("end", {})
        location = _location(target, start, end)
        if target.scanned not in texts:
            texts[target.scanned] = read_scanned(target, root)
        snippet = _snippet(texts[target.scanned], start, end)
        message = str(result.get("extra", {}).get("message") or check.message)
        seen = Observation(
            location,
            " ".join(message.split()),
            snippet=snippet,
            context=_context(check, target, texts[target.scanned], start, end),
            flow=_flow(target, texts[target.scanned], start, end),
        )
        yield Hit(check.control_id, check.id, seen)


def _context(
    check: SemgrepCheck,
    target: Target,
    text: bytes,
    start: Mapping[str, Any],
    end: Mapping[str, Any],
) -> str | None:
    """Return what the matched code handles, for a check that declares contexts."""
    matched = _matched_lines(text, start, end) if check.contexts else None
    if matched is None:
        return None
    lines = text.decode("utf-8", errors="replace").splitlines()
    index = int(start.get("line", 1)) - 1
    return context.recognise(
        target.artifact.path, matched.decode("utf-8", errors="replace"), lines, index
    )


def _flow(
    target: Target, text: bytes, start: Mapping[str, Any], end: Mapping[str, Any]
) -> tuple[FlowStep, ...]:
    """Return where the URL the match names by a variable was written (Python only)."""
    if target.artifact.kind not in (ArtifactKind.PYTHON, ArtifactKind.NOTEBOOK):
        return ()
    begin, finish = start.get("offset"), end.get("offset")
    if not isinstance(begin, int) or not isinstance(finish, int) or finish < begin:
        return ()
    matched = text[begin:finish].decode("utf-8", errors="replace")
    source = text.decode("utf-8", errors="replace")
    return tuple(
        FlowStep(_location(target, {"line": b.line, "col": b.column}, {"line": b.line}), b.message)
        for b in url_sources(source, matched, int(start.get("line", 1)))
    )


def _location(target: Target, start: Mapping[str, Any], end: Mapping[str, Any]) -> Location:
    start_line, end_line = int(start.get("line", 1)), int(end.get("line", 1))
    start_col, end_col = start.get("col"), end.get("col")
    if target.view is None or target.view.origins is None:
        return Location(target.artifact.path, start_line, start_col, end_line, end_col)
    first = target.view.origin(start_line)
    last = target.view.origin(end_line)
    if first.cell is not None:
        # a notebook: columns refer to the cell line, not to the raw JSON line
        return Location(target.artifact.path, first.line, None, last.line, None, first.cell)
    return Location(target.artifact.path, first.line, start_col, last.line, end_col)


def _snippet(text: bytes, start: Mapping[str, Any], end: Mapping[str, Any]) -> str | None:
    """Slice the match out of the scanned text (semgrep's own snippet needs a login)."""
    chunk = _matched_lines(text, start, end)
    if chunk is None:
        return None
    snippet = chunk.decode("utf-8", errors="replace").rstrip()
    if len(snippet) > _MAX_SNIPPET:
        snippet = snippet[:_MAX_SNIPPET] + " …"
    return redact(snippet)


def _matched_lines(text: bytes, start: Mapping[str, Any], end: Mapping[str, Any]) -> bytes | None:
    """Return the whole lines the match spans, or None when semgrep gave no offsets."""
    begin, finish = start.get("offset"), end.get("offset")
    if not isinstance(begin, int) or not isinstance(finish, int) or finish < begin:
        return None
    line_start = text.rfind(b"\n", 0, begin) + 1
    line_end = text.find(b"\n", finish)
    return text[line_start : line_end if line_end >= 0 else len(text)]
