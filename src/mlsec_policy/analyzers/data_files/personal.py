"""Personal data in committed datasets: CSV/TSV/PSV, JSON, JSON Lines and Parquet.

Only a bounded sample is read (:mod:`.records`): at most ``max-rows`` records and ``max-bytes``
bytes, so a multi-gigabyte dataset costs the same as a small one. Each value is matched by the
recognisers of :mod:`...patterns.pii`, with its column (or JSON key) name as a hint; a column
whose name announces personal data and holds values counts too. Each match is graded (low,
medium, high confidence); matches below ``min-confidence`` (medium by default) are set aside,
so placeholders, role mailboxes and numbers in sums do not make findings (see
:mod:`...patterns.pii_tally`). One observation per kind of personal data and file carries the
count, the confidence and two redacted examples — never a value.

Parquet needs ``pyarrow``; without it the file is not inspected and the check reports an
error (a dataset nobody looked at is not a pass).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.data_files import records
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.patterns.pii import Confidence, column_kind, find_pii
from mlsec_policy.analyzers.patterns.pii_tally import PiiLedger, describe, severity
from mlsec_policy.analyzers.read.organisation import SOURCES as ORGANISATION_SOURCES
from mlsec_policy.analyzers.read.organisation import organisation
from mlsec_policy.models import ArtifactKind, Location

DEFAULT_ROWS = 2000
DEFAULT_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Parameters of ``personal-data``."""

    max_rows: int = DEFAULT_ROWS
    """Rows (or JSON records) sampled from the start of the file."""
    max_bytes: int = DEFAULT_BYTES
    """Bytes read from the start of the file at most."""
    min_confidence: Literal["low", "medium", "high"] = "medium"
    """The lowest confidence a match needs to be reported; lower matches are only counted."""


def personal_data(context: FileContext, params: PersonalData) -> Iterable[Observation]:
    """Yield one observation per kind of personal data found in the sample of a data file."""
    path = PurePosixPath(context.artifact.path)
    suffix = path.suffix.lower()
    if not records.holds_records(context):
        return
    threshold = Confidence.parse(params.min_confidence)
    rows = records.rows(context, suffix, params.max_rows, params.max_bytes)
    if rows is None:
        return
    owner = organisation(context.root)
    ledger = PiiLedger(threshold)
    for line, cells in rows:
        for column, value in cells:
            hint = column_kind(column) if column else None
            found = find_pii(
                value, hint, label=column, own_domains=owner.domains, own_names=owner.names
            )
            for match in found:
                ledger.add(match, line, column)
    for kind, tally in ledger.findings():
        yield Observation(
            Location(context.artifact.path, tally.line),
            message=f"the dataset sample holds personal data: {describe(kind, tally)}",
            severity=severity(kind, tally),
            key=f"pii:{kind.name}",
        )


SPEC = AnalyzerSpec(
    name="personal-data",
    description="Personal data (e-mail, phone, SSN, cards, IBAN, IP, birth dates) in datasets.",
    kinds=frozenset({ArtifactKind.DATA_FILE, ArtifactKind.CONFIG}),
    params=Params.beside(PersonalData, __name__, "personal-data"),
    file=personal_data,
    also_reads=ORGANISATION_SOURCES,
)
