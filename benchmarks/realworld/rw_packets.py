"""Judging packets: the unjudged findings of one repository with the code around each.

A packet says what the finding claims and shows the code; it says nothing of why the rule
exists or how it decides, so that the judge weighs the claim against the code alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rw_judgements import csv_row
from rw_manifest import Repo
from rw_rows import FindingRow, Key, key_id
from rw_sources import cell_outputs, cell_source, read_lines

CONTEXT = 12
WHOLE_CELL_MAX = 60
HEAD_LINES = 25
PACKET_SIZE = 60
OUTPUT_LINES = 15
_BACKTICKS = re.compile(r"`{3,}")
_GUTTER = re.compile(r"^[> ] +\d+ \| ")


@dataclass(frozen=True)
class Item:
    """One key to judge: the rows that share it (usually one)."""

    key: Key
    rows: tuple[FindingRow, ...]


def _numbered(lines: Sequence[str], first: int, last: int, mark: int | None) -> list[str]:
    width = len(str(last))
    return [
        f"{'>' if number == mark else ' '} {number:>{width}} | {lines[number - 1]}"
        for number in range(first, last + 1)
    ]


def _fence(body: list[str]) -> list[str]:
    longest = max((len(m.group()) for line in body for m in _BACKTICKS.finditer(line)), default=2)
    fence = "`" * max(3, longest + 1)
    return [fence, *body, fence]


def _window(lines: Sequence[str], line: int) -> list[str]:
    first, last = max(1, line - CONTEXT), min(len(lines), line + CONTEXT)
    return _numbered(lines, first, last, line)


def context(root: Path, row: FindingRow) -> list[str]:
    """Markdown lines showing the code at ROW's location."""
    if row.cell is not None:
        source = cell_source(root, row.path, row.cell.index)
        if source is None:
            return [f"_(cell {row.cell.index} could not be read)_"]
        where = f"cell {row.cell.index}, line {row.cell.line} of the cell"
        if not source:
            return [f"_({where}: the cell is empty)_"]
        if len(source) <= WHOLE_CELL_MAX:
            shown = _numbered(source, 1, len(source), row.cell.line)
        else:
            shown = _window(source, min(max(row.cell.line, 1), len(source)))
        out = [f"Notebook {where}:", "", *_fence(shown)]
        outputs = cell_outputs(root, row.path, row.cell.index)
        if outputs:
            more = len(outputs) - OUTPUT_LINES
            shown_outputs = outputs[:OUTPUT_LINES] + ([f"… {more} more lines"] if more > 0 else [])
            out.extend(["", "Saved outputs of this cell:", "", *_fence(shown_outputs)])
        return out
    lines = read_lines(root, row.path)
    if row.line is None:
        return whole_file(root, lines)
    if lines is None:
        return ["_(the file is not in the local copy, or cannot be read)_"]
    if not 1 <= row.line <= len(lines):
        return [f"_(line {row.line} is past the end of the file, {len(lines)} lines)_"]
    return _fence(_window(lines, row.line))


def whole_file(root: Path, lines: list[str] | None) -> list[str]:
    """Show a finding without a line: the file's first lines and the repository's top level."""
    entries = root.iterdir() if root.is_dir() else iter(())
    top = sorted(entry.name + ("/" if entry.is_dir() else "") for entry in entries)
    listing = ", ".join(f"`{name}`" for name in top if name != ".git/")
    out = ["No line: the finding is about the file as a whole, or the repository.", ""]
    out.append(f"Top level of the repository: {listing}")
    out.append("")
    if lines is None:
        out.append("_(the file is not in the local copy, or cannot be read)_")
    elif any("\0" in line for line in lines[:HEAD_LINES]):
        out.append("_(the file is binary)_")
    elif lines:
        out.extend(["First lines of the file:", ""])
        out.extend(_fence(_numbered(lines, 1, min(len(lines), HEAD_LINES), None)))
    else:
        out.append("_(the file is empty)_")
    return out


def _gutterless(lines: list[str]) -> str:
    return "\n".join(_GUTTER.sub("", line) for line in lines)


def group(items: Sequence[Item], root: Path) -> list[list[Item]]:
    """Gather items whose control, check, messages and shown code (line numbers aside) agree.

    Such findings are copies of one construct (a notebook kept once per framework, a file
    repeated per language), so one verdict fits all; the packet still lists every place.
    """
    groups: dict[tuple[str, ...], list[Item]] = {}
    for item in items:
        first = item.rows[0]
        messages = "\n".join(sorted({row.message for row in item.rows}))
        shown = _gutterless(context(root, first))
        groups.setdefault((first.control_id, first.check_id, messages, shown), []).append(item)
    return list(groups.values())


def _where(row: FindingRow) -> str:
    return row.path if row.line is None else f"{row.path}:{row.line}"


def render_group(number: int, items: Sequence[Item], root: Path) -> list[str]:
    """One section of a packet: a finding, or identical copies of it, with the code shown once."""
    first = items[0].rows[0]
    out = [
        f"## {number}. `{key_id(items[0].key)}` — {_where(first)}",
        "",
        f"- control: {first.control_id} (check `{first.check_id}`), severity {first.severity}",
    ]
    if len(items[0].rows) > 1:
        out.append(f"- reported {len(items[0].rows)} times at this place")
    out.extend(f"- message: {message}" for message in sorted({r.message for r in items[0].rows}))
    if len(items) > 1:
        out.append(
            f"- the same message on the same code (line numbers aside) at {len(items)} places;"
            " one verdict for all of them, one row each:"
        )
    else:
        out.append("- judgement row to complete:")
    rows = [csv_row(item.key, item.rows[0].commit) for item in items]
    out.extend(["", "```", *rows, "```", ""])
    out.extend(context(root, first))
    out.append("")
    return out


def render_packet(
    repo: Repo, part: int, parts: int, groups: Sequence[Sequence[Item]], root: Path
) -> str:
    """Render a whole packet file for some of REPO's unjudged findings."""
    out = [
        f"# Judging packet: {repo.name} ({part} of {parts})",
        "",
        f"Repository {repo.url} at commit `{repo.commit}` ({repo.kind}).",
        f"Code is shown from the local copy under the corpus folder `{repo.name}/`.",
        "",
        "For each finding decide whether the claim in the message holds for the code shown",
        "(criteria in benchmarks/realworld/README.md, 'How to judge'):",
        "**TP** — the construct is really there and is a real risk in this repository's",
        "context (tests, examples and docs count when the claim is literally true: say so);",
        "**FP** — the claim is wrong (the code does not do that, wrong line, placeholder data",
        "taken as real, …); **debatable** — true but arguably harmless. Complete the row with",
        "the verdict and a one-line reason, and add it to benchmarks/realworld/judgements.csv.",
        "Open the file in the local copy when the excerpt is not enough.",
        "",
    ]
    for number, items in enumerate(groups, start=1):
        out.extend(render_group(number, items, root))
    return "\n".join(out).rstrip() + "\n"


def write_packets(
    directory: Path, repo: Repo, items: Sequence[Item], root: Path, size: int = PACKET_SIZE
) -> list[tuple[Path, int, int]]:
    """Write REPO's items in packets of at most SIZE verdicts to give.

    Returns each packet's path, its number of verdicts and its number of findings.
    """
    directory.mkdir(parents=True, exist_ok=True)
    groups = group(items, root)
    chunks = [groups[start : start + size] for start in range(0, len(groups), size)]
    written: list[tuple[Path, int, int]] = []
    for part, chunk in enumerate(chunks, start=1):
        path = directory / f"{repo.name}-{part:03d}.md"
        path.write_text(render_packet(repo, part, len(chunks), chunk, root), encoding="utf-8")
        written.append((path, len(chunk), sum(len(items) for items in chunk)))
    return written
