"""Timestamps that can be pinned, so that reports are reproducible."""

from __future__ import annotations

from datetime import UTC, date, datetime


def scan_time(source_date_epoch: int | None) -> datetime:
    """Return now, or the pinned moment when ``SOURCE_DATE_EPOCH`` was given."""
    if source_date_epoch is not None:
        return datetime.fromtimestamp(source_date_epoch, UTC)
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Return a UTC ISO-8601 timestamp ending in Z, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def today(moment: datetime) -> date:
    """Return the UTC calendar date of ``moment`` (waiver and attestation expiry use it)."""
    return moment.astimezone(UTC).date()
