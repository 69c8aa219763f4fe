"""The committed judgements: one verdict per finding key, read and checked."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from rw_rows import Key

COLUMNS = ("repo", "commit", "path", "line", "control_id", "check_id", "verdict", "reason")
VERDICTS = ("TP", "FP", "debatable")


@dataclass(frozen=True)
class Judgement:
    """A judge's verdict on one finding key at one commit."""

    repo: str
    commit: str
    path: str
    line: str
    control_id: str
    check_id: str
    verdict: str
    reason: str

    @property
    def key(self) -> Key:
        """The identity matched against finding rows."""
        return (self.repo, self.path, self.line, self.control_id, self.check_id)


class JudgementError(Exception):
    """The judgements file is not of the expected form."""


def read_judgements(path: Path) -> list[Judgement]:
    """Read the CSV; refuse unknown columns, unknown verdicts and repeated keys."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise JudgementError(f"{path}: the header must be {','.join(COLUMNS)}")
        judgements: list[Judgement] = []
        seen: dict[tuple[str, Key], int] = {}
        for number, record in enumerate(reader, start=2):
            values = {column: (record.get(column) or "").strip() for column in COLUMNS}
            judgement = Judgement(**values)
            if judgement.verdict not in VERDICTS:
                raise JudgementError(
                    f"{path}:{number}: verdict {judgement.verdict!r} is not one of "
                    f"{', '.join(VERDICTS)}"
                )
            identity = (judgement.commit, judgement.key)
            if identity in seen:
                raise JudgementError(
                    f"{path}:{number}: the same finding is judged on line {seen[identity]}"
                )
            seen[identity] = number
            judgements.append(judgement)
    return judgements


def csv_row(key: Key, commit: str) -> str:
    """Start a judgement line for KEY, for a judge to complete with verdict and reason."""
    repo, path, line, control_id, check_id = key
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(
        [repo, commit, path, line, control_id, check_id, "", ""]
    )
    return buffer.getvalue()
