"""The timeline of one scan: which process used the cores when, sampled from /proc (Linux).

Runs ``mlsec-policy scan`` (or any command) as a child and, every ``--interval`` seconds,
reads the CPU time of every process of its tree and of every thread of the scan's own
process. It prints, in CPU seconds and in cores busy over time:

- each child process (each semgrep run): when it started and ended, its CPU seconds;
- the scan's own Python process, split into its main thread (inventory, native analyzers,
  evaluation, rendering) and its other threads (semgrep's waiting threads, progress);
- cores busy per slice of the run (``--slice`` seconds), and how much of the wall time ran
  with fewer than ``--cores`` cores busy (idle-core seconds), and what ran alone at the end;
- the peak resident memory of the tree (summed over its processes at each sample);
- the scan's stages, from its progress lines (``MLSEC_POLICY_PROGRESS_INTERVAL`` is set to
  the sampling interval) and its time-per-stage summary.

Nothing is added to the scanner: the trace is taken from outside. The machine may be shared:
CPU seconds compare between runs made minutes apart, wall time only on an idle machine.

    python benchmarks/timeline.py --json OUT.json -- .venv/bin/mlsec-policy scan TREE
        --no-cache --jobs 2 --json-output /tmp/r.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from procmem import PAGE, children

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Track:
    """One process (or thread) seen in the samples."""

    name: str
    first: float
    last: float
    cpu: float = 0.0
    samples: list[tuple[float, float]] = field(default_factory=list)
    """(seconds since start, cumulative CPU seconds) at each sample."""


def _stat(path: Path) -> tuple[str, float] | None:
    """Return (command name, user+system CPU seconds) from a /proc stat file."""
    try:
        text = path.read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, (int(fields[11]) + int(fields[12])) / TICKS


def _resident(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _args(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    words = raw.split(b"\0")
    return " ".join(w.decode(errors="replace") for w in words[:3])


class Sampler:
    """Samples the CPU time of a process tree (processes) and of the root's threads."""

    def __init__(self, root: int, start: float) -> None:
        self.root = root
        self.start = start
        self.processes: dict[int, Track] = {}
        self.threads: dict[int, Track] = {}
        self.peak = 0
        """The largest resident memory of the tree seen in one sample, in bytes."""

    def sample(self) -> None:
        """Take one sample of every process of the tree and every thread of the root."""
        now = time.perf_counter() - self.start
        stack = [self.root]
        resident = 0
        while stack:
            pid = stack.pop()
            stat = _stat(Path(f"/proc/{pid}/stat"))
            if stat is not None:
                self._note(self.processes, pid, stat, now, pid != self.root)
            resident += _resident(pid)
            stack += children(pid)
        self.peak = max(self.peak, resident)
        for task in Path(f"/proc/{self.root}/task").glob("*"):
            stat = _stat(task / "stat")
            if stat is not None:
                self._note(self.threads, int(task.name), stat, now, False)

    def _note(
        self, table: dict[int, Track], key: int, stat: tuple[str, float], now: float, child: bool
    ) -> None:
        track = table.get(key)
        if track is None:
            track = table[key] = Track(stat[0], now, now)
        if child and not track.name.startswith(stat[0] + " "):
            track.name = f"{stat[0]} {_args(key)}"  # a wrapper that became semgrep-core
        track.last = now
        track.cpu = stat[1]
        track.samples.append((now, stat[1]))


def busy(tracks: list[Track], width: float, end: float) -> list[float]:
    """Return the cores busy in each slice of ``width`` seconds (CPU added over the slice)."""
    slices = [0.0] * (int(end / width) + 1)
    for track in tracks:
        # a process born after the start spent its first CPU within the first interval
        previous = 0.0 if track.first > 0.2 else track.samples[0][1]
        for moment, cpu in track.samples:
            if cpu > previous:
                slices[min(int(moment / width), len(slices) - 1)] += cpu - previous
            previous = cpu
    return [s / width for s in slices]


def main() -> int:
    """Run the command, sample it, print the timeline (and write it as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--slice", type=float, default=2.0)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the samples and figures here")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    env = {**os.environ, "MLSEC_POLICY_PROGRESS_INTERVAL": str(max(args.interval, 0.2))}
    start = time.perf_counter()
    process = subprocess.Popen(
        args.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True
    )
    sampler = Sampler(process.pid, start)
    stages: list[tuple[float, str]] = []
    tail: list[str] = []

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            moment = time.perf_counter() - start
            text = line.strip()
            if text.startswith("mlsec-policy: "):
                message = text.removeprefix("mlsec-policy: ").split(" · ")[0]
                if not stages or stages[-1][1] != message:
                    stages.append((moment, message))
            else:
                tail.append(text)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    while process.poll() is None:
        sampler.sample()
        time.sleep(args.interval)
    reader.join()
    wall = time.perf_counter() - start
    children = [t for pid, t in sampler.processes.items() if pid != process.pid]
    runs = [t for t in children if t.cpu > 0.05]
    main_thread = sampler.threads.get(process.pid)
    others = [t for tid, t in sampler.threads.items() if tid != process.pid]
    peak = sampler.peak / 2**20
    print(f"command ended {process.returncode}; wall {wall:.1f} s; peak tree RSS {peak:.0f} MiB")
    for moment, message in stages:
        print(f"  stage {moment:7.1f} s  {message[:100]}")
    print(f"{'start':>7} {'end':>7} {'CPU s':>7}  process")
    for track in sorted(runs, key=lambda t: t.first):
        print(f"{track.first:7.1f} {track.last:7.1f} {track.cpu:7.1f}  {track.name[:70]}")
    own = sampler.processes.get(process.pid)
    main_cpu = main_thread.cpu if main_thread else 0.0
    print(
        f"scan process: {own.cpu if own else 0:.1f} CPU-s (main thread {main_cpu:.1f}, "
        f"other threads {sum(t.cpu for t in others):.1f})"
    )
    total = sum(t.cpu for t in runs) + (own.cpu if own else 0.0)
    tracks = [*runs, *([own] if own else [])]
    cores = busy(tracks, args.slice, wall)
    idle = sum(max(args.cores - c, 0.0) * args.slice for c in cores)
    print(f"CPU of the tree (sampled): {total:.1f} s; cores busy on average {total / wall:.2f}")
    print(f"idle-core seconds (fewer than {args.cores} busy): {idle:.1f}")
    print("cores busy per slice: " + " ".join(f"{c:.1f}" for c in cores))
    if runs:
        last = max(runs, key=lambda t: t.last)
        alone = [t for t in runs if t.last > last.last - 0.3]
        others_end = max((t.last for t in runs if t not in alone), default=last.first)
        print(
            f"last semgrep run ended {last.last:.1f} s; ran alone for "
            f"{max(last.last - others_end, 0.0):.1f} s; the scan ended {wall:.1f} s"
        )
    for line in tail[-3:]:
        print("  stderr: " + line[:160])
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "wall": wall,
                    "peak_mib": peak,
                    "stages": stages,
                    "processes": [asdict(t) for t in children],
                    "scan": asdict(own) if own else None,
                    "threads": [asdict(t) for t in sampler.threads.values()],
                    "cores_busy": cores,
                },
                indent=1,
            )
        )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
