"""Finding rows: one per reported finding, with the code line, and the key judgements use."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rw_sources import Cell, code_line

Key = tuple[str, str, str, str, str]
"""(repo, path, line, control_id, check_id); line is '' for a finding without one."""


@dataclass(frozen=True)
class FindingRow:
    """One finding of one scan, as findings.jsonl holds it."""

    repo: str
    commit: str
    path: str
    line: int | None
    column: int | None
    cell: Cell | None
    control_id: str
    check_id: str
    severity: str
    message: str
    code_line: str
    suppressed: str | None
    """The suppression kind (inline, waiver, baseline) when the finding is suppressed."""

    @property
    def key(self) -> Key:
        """The identity a judgement is matched on."""
        line = "" if self.line is None else str(self.line)
        return (self.repo, self.path, line, self.control_id, self.check_id)

    def to_json(self) -> str:
        """One JSON line, keys in a fixed order."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> FindingRow:
        """Parse a line written by to_json."""
        data: dict[str, Any] = json.loads(text)
        cell = data.pop("cell")
        return cls(cell=None if cell is None else Cell(**cell), **data)


def key_id(key: Key) -> str:
    """Give a short stable id for a key, for packets and conversation."""
    return hashlib.sha256("\x1f".join(key).encode()).hexdigest()[:10]


def sort_key(row: FindingRow) -> tuple[str, str, int, str, str, int, str]:
    """Deterministic order: repo, path, line, control, check, column, message."""
    return (
        row.repo,
        row.path,
        row.line or 0,
        row.control_id,
        row.check_id,
        row.column or 0,
        row.message,
    )


def rows_from_report(
    report: dict[str, Any], repo: str, commit: str, root: Path
) -> list[FindingRow]:
    """Every finding of a JSON report, suppressed ones included, with its code line."""
    rows: list[FindingRow] = []
    for result in report.get("results", []):
        for finding in result.get("findings", []):
            location = finding["location"]
            raw_cell = location.get("cell")
            cell = None if raw_cell is None else Cell(raw_cell["index"], raw_cell["line"])
            line = location.get("start_line")
            suppression = finding.get("suppression")
            rows.append(
                FindingRow(
                    repo=repo,
                    commit=commit,
                    path=location["path"],
                    line=line,
                    column=location.get("start_column"),
                    cell=cell,
                    control_id=finding["control_id"],
                    check_id=finding["check_id"],
                    severity=finding["severity"],
                    message=finding["message"],
                    code_line=code_line(root, location["path"], line, cell, finding.get("snippet")),
                    suppressed=None if suppression is None else suppression["kind"],
                )
            )
    return sorted(rows, key=sort_key)


def write_rows(path: Path, rows: Iterable[FindingRow]) -> None:
    """Write rows as JSON lines."""
    path.write_text("".join(row.to_json() + "\n" for row in rows), encoding="utf-8")


def read_rows(path: Path) -> Iterator[FindingRow]:
    """Read rows written by write_rows."""
    with path.open(encoding="utf-8") as handle:
        for text in handle:
            if text.strip():
                yield FindingRow.from_json(text)
