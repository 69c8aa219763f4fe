"""Progress where stderr is a log or a pipe: plain lines at an interval; bars and stage times."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from mlsec_policy.cli.progress import ProgressDisplay
from mlsec_policy.cli.progress_plain import PlainProgress
from mlsec_policy.cli.stage_times import StageTimes, stage_of
from tests.conftest import write_tree
from tests.test_progress import terminal

LINE = re.compile(r"^mlsec-policy: [^\r\x1b]+ · \d+s elapsed$")
"""The shape of every progress line in a log."""


def large_repository(root: Path, files: int = 400) -> Path:
    """Write a repository of many small Python files, notebooks and Dockerfiles."""
    tree: dict[str, str] = {}
    for number in range(files):
        tree[f"pkg{number % 20}/module_{number}.py"] = (
            f"import torch\n\n\ndef load_{number}(path):\n    return torch.load(path)\n"
        )
    for number in range(files // 20):
        tree[f"deploy/svc{number}/Dockerfile"] = 'FROM python:3.11-slim\nCMD ["python"]\n'
    return write_tree(root, tree)


def scan_in_a_pipe(target: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run a scan whose stderr is a pipe, with progress lines every 0.2 s."""
    env = {**os.environ, "MLSEC_POLICY_PROGRESS_INTERVAL": "0.2", "TERM": "xterm"}
    return subprocess.run(
        [sys.executable, "-m", "mlsec_policy", "scan", str(target), "--no-cache", *options],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )


def test_a_scan_in_a_pipe_writes_plain_progress_lines(tmp_path: Path) -> None:
    result = scan_in_a_pipe(large_repository(tmp_path / "repo"))
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    progress = [line for line in lines if line.startswith("mlsec-policy: ")]
    assert progress, result.stderr[-2000:]
    assert all(LINE.match(line) for line in progress), progress
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    stages = [line for line in lines if line.startswith("time per stage: ")]
    assert len(stages) == 1
    named = re.findall(r"([a-z ]+) \d+\.\d+s", stages[0].removeprefix("time per stage: "))
    names = [n.strip() for n in named]
    assert names[:3] == ["policy", "inventory", "semgrep and native analyzers"]
    assert "evaluation" in names


def test_quiet_silences_the_log_lines(tmp_path: Path) -> None:
    target = write_tree(tmp_path / "repo", {"train.py": "import torch\ntorch.load('x')\n"})
    result = scan_in_a_pipe(target, "-q")
    assert result.stderr == ""


def test_a_bad_interval_is_a_usage_error(tmp_path: Path) -> None:
    target = write_tree(tmp_path / "repo", {"a.py": "x = 1\n"})
    env = {**os.environ, "MLSEC_POLICY_PROGRESS_INTERVAL": "soon"}
    result = subprocess.run(
        [sys.executable, "-m", "mlsec_policy", "scan", str(target)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2 and "MLSEC_POLICY_PROGRESS_INTERVAL" in result.stderr


def test_plain_lines_count_files_within_a_stage() -> None:
    stream = io.StringIO()
    with PlainProgress(stream, interval=0.05) as progress:
        progress.update("native analyzers running 9 checks")
        progress.tick(3, 10)
        deadline = time.monotonic() + 30
        while "3/10 files" not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        progress.update("evaluating 9 controls")
        assert "files" not in progress.line()
    lines = stream.getvalue().splitlines()
    assert any(
        line.startswith("mlsec-policy: native analyzers running 9 checks · 3/10 files · ")
        for line in lines
    ), lines
    assert all(LINE.match(line) for line in lines)


def test_a_terminal_shows_a_bar_and_a_rate_while_files_are_counted() -> None:
    with terminal() as (stream, read):
        with ProgressDisplay(stream, delay=0, interval=3600) as display:
            display.update("native")  # short: the line is cut to the terminal's width
            display.tick(5, 10)
        text = read()
    assert re.search(r"\[#{10}-{10}\] 5/10 files · \d+ files/s · ", text), repr(text)


def test_stage_times_follow_the_scan_messages() -> None:
    now = iter([0.0, 1.0, 3.5, 4.0, 10.0]).__next__
    times = StageTimes(clock=now)
    times.mark("loading policy")
    times.mark("inventorying files (9 controls loaded)")
    times.mark("12 files inventoried, 0 skipped; semgrep running 5 rules")
    times.mark("result cache: 0 entries reused, 3 written")  # within a stage
    times.mark("12 files inventoried, 0 skipped; native analyzers running 4 checks")
    times.finish()
    assert times.durations() == {
        "policy": 1.0,
        "inventory": 2.5,
        "semgrep": 0.5,
        "native analyzers": 6.0,
    }
    assert times.summary() == (
        "time per stage: policy 1.0s · inventory 2.5s · semgrep 0.5s · native analyzers 6.0s"
    )
    assert stage_of("result cache: 1 entries reused") is None
    assert StageTimes().summary() is None  # no stage announced (a command that never scanned)
