"""A one-line progress display on a terminal's stderr while a scan runs.

It shows the current stage (files inventoried, which engine is running), a spinner and the
time spent, redrawn a few times a second; while the native analyzers (which hash model files)
go through the files, also a bar, the files done of the total and the rate in files per
second. It draws nothing for scans that finish within a moment, and erases itself before the
summary is printed. Where stderr is not a terminal (CI logs, pipes, ``TERM=dumb``),
:mod:`.progress_plain` writes plain lines instead.
"""

from __future__ import annotations

import os
import threading
import time
from types import TracebackType
from typing import Self, TextIO

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
DELAY = 0.4
"""Seconds before the first draw: quick scans never flicker."""
INTERVAL = 0.1
BAR_WIDTH = 20


class ProgressDisplay:
    """Draws ``⠙ stage · 3.2s`` on one terminal line until closed.

    Use as a context manager; pass :meth:`update` as the scan's ``progress`` callback and
    :meth:`tick` as its ``tick`` callback.
    """

    redraws_on_change = True
    """Draw at once when the stage or the file count changes (else only every interval)."""

    def __init__(self, stream: TextIO, *, delay: float = DELAY, interval: float = INTERVAL) -> None:
        self._stream = stream
        self._delay = delay
        self._interval = interval
        self._message = "starting"
        self._counts: tuple[int, int] | None = None
        self._stage_started = time.monotonic()
        self._started = time.monotonic()
        self._drawn = False
        self._ticks = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mlsec-progress", daemon=True)

    def __enter__(self) -> Self:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def update(self, message: str) -> None:
        """Show ``message`` as the current stage (the scan's progress callback)."""
        with self._lock:
            self._message = message
            self._counts = None
            self._stage_started = time.monotonic()
        if self.redraws_on_change and self._due():
            self._draw()

    def tick(self, done: int, total: int) -> None:
        """Record that ``done`` of the stage's ``total`` files are finished (drawn as a bar)."""
        with self._lock:
            self._counts = (done, total)
        if self.redraws_on_change and self._due():
            self._draw()

    def note(self, message: str) -> None:
        """Print ``message`` on a line of its own that stays; the progress line comes back."""
        with self._lock:
            if self._drawn:
                self._stream.write("\r\033[2K")
                self._drawn = False
            self._stream.write(message + "\n")
            self._stream.flush()

    def close(self) -> None:
        """Stop redrawing and erase the line, if one was drawn."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()
        with self._lock:
            if self._drawn:
                self._stream.write("\r\033[2K")
                self._stream.flush()
                self._drawn = False

    def _columns(self) -> int:
        try:
            return os.get_terminal_size(self._stream.fileno()).columns or 80
        except (OSError, ValueError, AttributeError):
            return 80

    def _due(self) -> bool:
        return not self._stop.is_set() and time.monotonic() - self._started >= self._delay

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            if self._due():
                try:
                    self._draw()
                except (OSError, ValueError):  # the stream went away: stop drawing, never fail
                    self._stop.set()

    def _bar(self, now: float) -> str:
        """Return `` [####------] 120/500 files · 35 files/s`` while files are counted."""
        if self._counts is None:
            return ""
        done, total = self._counts
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        spent = now - self._stage_started
        rate = f" · {done / spent:.0f} files/s" if spent > 0 and done else ""
        return f" [{bar}] {done}/{total} files{rate}"

    def _draw(self) -> None:
        with self._lock:
            if self._stop.is_set():
                return
            self._ticks += 1
            spinner = SPINNER[self._ticks % len(SPINNER)]
            now = time.monotonic()
            line = f"{spinner} {self._message}{self._bar(now)} · {now - self._started:.1f}s"
            width = self._columns() - 1
            if len(line) > width:
                line = line[: max(width - 1, 0)] + "…"
            self._stream.write(f"\r\033[2K{line}")
            self._stream.flush()
            self._drawn = True
