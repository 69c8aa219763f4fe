"""The stderr progress display: drawn on a terminal, erased after, silent everywhere else."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import pytest

from mlsec_policy.cli.progress import ProgressDisplay
from tests.conftest import CliResult, write_tree
from tests.support.reporting import EPOCH

CLEAR = "\r\x1b[2K"


@contextmanager
def terminal() -> Iterator[tuple[TextIO, Callable[[], str]]]:
    """Yield a writable stream whose other end is a real pseudo-terminal, and a reader."""
    master, slave = pty.openpty()
    stream = os.fdopen(slave, "w", encoding="utf-8")
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(_drain(master)), daemon=True)
    reader.start()

    def read() -> str:
        stream.close()
        reader.join(timeout=30)
        return b"".join(chunks).decode("utf-8")

    try:
        yield stream, read
    finally:
        if not stream.closed:
            stream.close()
        os.close(master)


def test_draws_the_stage_on_a_terminal_and_erases_it() -> None:
    with terminal() as (stream, read):
        assert stream.isatty()
        with ProgressDisplay(stream, delay=0, interval=3600) as display:
            display.update("12 files inventoried; semgrep running 5 rules")
            display.update("evaluating 5 controls")
        text = read()
    assert "12 files inventoried; semgrep running 5 rules" in text
    assert "evaluating 5 controls" in text
    assert text.endswith(CLEAR), "the line is erased before the summary prints"


def test_draws_nothing_for_a_scan_that_ends_within_the_delay() -> None:
    with terminal() as (stream, read):
        with ProgressDisplay(stream, delay=3600, interval=3600) as display:
            display.update("inventorying files")
        assert read() == ""


def test_long_messages_are_cut_to_the_terminal_width() -> None:
    with terminal() as (stream, read):
        with ProgressDisplay(stream, delay=0, interval=3600) as display:
            display.update("x" * 1000)
        lines = [part for part in read().split(CLEAR) if part]
    assert lines and all(len(line) < 1000 for line in lines)


def test_cli_draws_nothing_when_stderr_is_not_a_terminal(
    tmp_path: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    # log lines come only after an interval (tests/test_progress_logs.py); none within it
    monkeypatch.setenv("MLSEC_POLICY_PROGRESS_INTERVAL", "3600")
    target = write_tree(tmp_path / "repo", {"train.py": "import torch\ntorch.load('x')\n"})
    result = cli("scan", str(target), "--no-color")
    assert "\r" not in result.out + result.err and "\x1b" not in result.err
    assert [line.split(":")[0] for line in result.err.splitlines()] == ["time per stage"]


def test_cli_on_a_terminal_is_silent_with_quiet_and_cleans_up_otherwise(tmp_path: Path) -> None:
    target = write_tree(tmp_path / "repo", {"train.py": "import torch\ntorch.load('x')\n"})
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH), "TERM": "xterm"}
    quiet = _on_terminal([str(target), "-q"], env)
    assert quiet == ""
    loud = _on_terminal([str(target)], env)
    drawn, _, timing = loud.rpartition("time per stage: ")
    assert timing.endswith("\r\n") and "semgrep" in timing, repr(loud[-80:])
    assert drawn == "" or drawn.endswith(CLEAR), repr(loud[-80:])


def _on_terminal(args: list[str], env: dict[str, str]) -> str:
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mlsec_policy", "scan", *args],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    output = _drain(master)
    process.wait(timeout=300)
    os.close(master)
    return output.decode("utf-8")


def _drain(master: int) -> bytes:
    """Read a pseudo-terminal until its other end is closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_note_stays_on_its_own_line_above_the_progress_line() -> None:
    with terminal() as (stream, read):
        with ProgressDisplay(stream, delay=0, interval=3600) as display:
            display.update("semgrep running 70 rules")
            display.note("warning: semgrep rule slow-rule (X-01) took longer than 30 s on app.py")
            display.update("native analyzers running 90 checks")
        text = read()
    before, _, after = text.partition(
        "warning: semgrep rule slow-rule (X-01) took longer than 30 s on app.py\r\n"
    )
    assert before.endswith(CLEAR), "the spinner line is erased before the note"
    assert "native analyzers running 90 checks" in after, "progress goes on below the note"
    assert text.endswith(CLEAR)
