"""Helpers shared by commands: environment reads, output files, progress on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from mlsec_policy.atomicfile import replace_file
from mlsec_policy.cli.progress import ProgressDisplay
from mlsec_policy.cli.progress_plain import DEFAULT_INTERVAL, PlainProgress
from mlsec_policy.cli.stage_times import StageTimes
from mlsec_policy.errors import UsageError
from mlsec_policy.options import CacheSettings, SemgrepSettings


def source_date_epoch() -> int | None:
    """Return ``SOURCE_DATE_EPOCH`` as an int, or None; reject a value that is not one."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {raw!r}"
        ) from None
    if value < 0:
        raise UsageError("SOURCE_DATE_EPOCH must not be negative")
    return value


def semgrep_settings(mode: str, jobs: int, timeout: int) -> SemgrepSettings:
    """Return semgrep settings; ``MLSEC_POLICY_SEMGREP`` may name the binary."""
    binary = os.environ.get("MLSEC_POLICY_SEMGREP")
    return SemgrepSettings(
        binary=Path(binary) if binary else None, mode=mode, jobs=jobs, timeout=timeout
    )


def hash_cache_file(enabled: bool) -> Path | None:
    """Return the digest cache file, or None when caching is off.

    ``MLSEC_POLICY_CACHE_DIR`` names the folder (default: ``$XDG_CACHE_HOME/mlsec-policy`` or
    ``~/.cache/mlsec-policy``); ``MLSEC_POLICY_HASH_CACHE=off`` or ``--no-hash-cache`` turns it off.
    """
    if not enabled or os.environ.get("MLSEC_POLICY_HASH_CACHE", "").lower() in {"off", "0", "no"}:
        return None
    return cache_folder() / "hashes-v1.json"


def cache_folder() -> Path:
    """Return the folder of our caches.

    ``MLSEC_POLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/mlsec-policy``, else
    ``~/.cache/mlsec-policy``.
    """
    folder = os.environ.get("MLSEC_POLICY_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = str(Path(base) / "mlsec-policy")
    return Path(folder)


def result_cache(enabled: bool, directory: str | None, max_mb: int) -> CacheSettings | None:
    """Return where per-file results are kept, or None with ``--no-cache``.

    ``--cache-dir`` wins over the folder of :func:`cache_folder`.
    """
    if not enabled:
        return None
    folder = Path(directory) if directory else cache_folder()
    return CacheSettings(folder, max_mb * 1024 * 1024)


def use_color(option: bool | None) -> bool:
    """Colour when asked, or by default on a terminal without ``NO_COLOR``."""
    if option is not None:
        return option
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def write_output(path: str, text: str) -> None:
    """Write a report file atomically (``-`` writes to standard output)."""
    if path == "-":
        click.echo(text, nl=False)
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{path} is a directory; give a file name for the report")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, lambda out: out.write(text), text=True)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


_DISPLAYS: list[ProgressDisplay | PlainProgress] = []
"""Progress displays started by :func:`progress_printer` and not yet cleared."""
_TIMES: list[StageTimes] = []
"""Stage clocks started by :func:`progress_printer`, read by :func:`stage_summary`."""


def progress_interval() -> float:
    """Return the seconds between progress lines in a log (``MLSEC_POLICY_PROGRESS_INTERVAL``)."""
    raw = os.environ.get("MLSEC_POLICY_PROGRESS_INTERVAL", "")
    if not raw:
        return DEFAULT_INTERVAL
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise UsageError(
            f"MLSEC_POLICY_PROGRESS_INTERVAL must be a positive number of seconds, not {raw!r}"
        )
    return value


def progress_display(enabled: bool) -> ProgressDisplay | PlainProgress | None:
    """Return a progress display on stderr, or None when disabled.

    On a terminal (not ``TERM=dumb``), the live line; elsewhere (CI logs, pipes), a plain line
    every :func:`progress_interval` seconds once the scan has run that long.
    """
    if not enabled:
        return None
    if sys.stderr.isatty() and os.environ.get("TERM") != "dumb":
        return ProgressDisplay(sys.stderr)
    return PlainProgress(sys.stderr, interval=progress_interval())


def progress_printer(enabled: bool) -> Callable[[str], None] | None:
    """Start a progress display on stderr and return its update function, or None if silent.

    Pair every call with :func:`clear_progress` (in a ``finally``), which stops and erases it.
    The update function also times the stages (:func:`stage_summary`).
    """
    display = progress_display(enabled)
    if display is None:
        return None
    if not _DISPLAYS:
        _TIMES.clear()  # stage clocks of earlier commands in this process, never summarised
    _DISPLAYS.append(display.__enter__())
    times = StageTimes()
    _TIMES.append(times)

    def update(message: str) -> None:
        times.mark(message)
        display.update(message)

    return update


def progress_ticker() -> Callable[[int, int], None] | None:
    """Return the file counter of the display :func:`progress_printer` started last, if any."""
    return _DISPLAYS[-1].tick if _DISPLAYS else None


def notice_printer(enabled: bool) -> Callable[[str], None] | None:
    """Return a function that prints a line on stderr at once (above any progress line)."""
    if not enabled:
        return None

    def notice(message: str) -> None:
        if _DISPLAYS:
            _DISPLAYS[-1].note(message)
        else:
            click.echo(message, err=True)

    return notice


def clear_progress(enabled: bool = True) -> None:
    """Stop and erase the progress displays :func:`progress_printer` started."""
    del enabled  # kept for callers that pass whether progress was asked for
    while _DISPLAYS:
        _DISPLAYS.pop().close()
    for times in _TIMES:
        times.finish()


def stage_summary() -> str | None:
    """Return (and forget) the time per stage of the scans since the last call, if timed."""
    lines = [t.summary() for t in _TIMES]
    _TIMES.clear()
    text = "; ".join(line for line in lines if line)
    return text or None
