"""Progress for logs: a plain line on stderr every few seconds while a long scan runs.

Where stderr is not a terminal (CI logs, pipes) a redrawn line would be noise, and silence
for eight minutes looks like a hang. So once a scan has run for one interval (10 s unless
``MLSEC_POLICY_PROGRESS_INTERVAL`` says otherwise), a line such as::

    mlsec-policy: native analyzers running 80 checks · 120/500 files · 20s elapsed

is written every interval until the scan ends. A scan shorter than one interval prints none.
"""

from __future__ import annotations

import time
from typing import TextIO

from mlsec_policy.cli.progress import ProgressDisplay

DEFAULT_INTERVAL = 10.0
"""Seconds between two progress lines in a log."""


class PlainProgress(ProgressDisplay):
    """Writes a progress line every ``interval`` seconds until closed; never redraws."""

    redraws_on_change = False

    def __init__(self, stream: TextIO, *, interval: float = DEFAULT_INTERVAL) -> None:
        super().__init__(stream, delay=interval, interval=interval)

    def line(self) -> str:
        """Return the progress line as it would be written now."""
        with self._lock:
            parts = [self._message]
            if self._counts is not None:
                parts.append(f"{self._counts[0]}/{self._counts[1]} files")
        parts.append(f"{time.monotonic() - self._started:.0f}s elapsed")
        return "mlsec-policy: " + " · ".join(parts)

    def _draw(self) -> None:
        text = self.line()
        with self._lock:
            if self._stop.is_set():
                return
            self._stream.write(text + "\n")
            self._stream.flush()
