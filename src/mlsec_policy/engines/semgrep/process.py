"""Start the semgrep binary offline and quietly, and read its JSON.

This module owns the process: which binary, which flags, which environment. Semgrep is given
local rules only, never sends metrics, never checks for a newer version (offline that check
stalls every call for about 100 seconds), keeps its settings and logs in our scratch folder,
and ignores ``nosemgrep`` comments (only our own, reasoned suppressions count).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlsec_policy.errors import EngineUnavailableError
from mlsec_policy.options import SemgrepSettings

ARG_BUDGET = 512 * 1024
"""Bytes of target paths per semgrep process; larger target lists are split (ARG_MAX is 2 MB)."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one semgrep process produced."""

    returncode: int
    output: dict[str, Any] | None
    """Parsed JSON, or None when stdout was not semgrep's JSON."""
    stderr: str
    cpu_seconds: float = 0.0
    """CPU time (user + system) of the process and what it waited for; exact only when no
    other child process of ours ended meanwhile (the time budget runs one at a time)."""


def find_binary(settings: SemgrepSettings) -> Path:
    """Return the semgrep executable to use; raise EngineUnavailableError when there is none."""
    if settings.binary is not None:
        if not settings.binary.is_file():
            raise EngineUnavailableError(
                f"the semgrep binary {settings.binary} does not exist",
                hint="unset MLSEC_POLICY_SEMGREP or point it at a semgrep executable",
            )
        return settings.binary
    sibling = Path(sys.executable).parent / "semgrep"
    if sibling.is_file():
        return sibling
    found = shutil.which("semgrep")
    if found:
        return Path(found)
    raise EngineUnavailableError(
        "semgrep is not installed, so the code checks cannot run",
        hint="install mlsec-policy with pip (it depends on semgrep==1.182.0)",
    )


def run_rules(
    binary: Path,
    rules_file: Path,
    targets: Sequence[str],
    cwd: Path,
    scratch: Path,
    settings: SemgrepSettings,
    extra: Sequence[str] = (),
) -> RunResult:
    """Run the rules over ``targets`` (relative to ``cwd`` or absolute) in the settings' mode.

    ``auto`` starts osemgrep and, when it fails without a usable result, runs the classic
    CLI once more on the same targets. ``extra`` options go before the targets (``--time``).
    """
    mode = settings.mode
    command = scan_command(binary, rules_file, targets, settings, mode != "pysemgrep", extra)
    result = _execute(command, cwd, scratch, settings, list)
    if result.output is None and mode == "auto" and result.returncode > 0:
        command = scan_command(binary, rules_file, targets, settings, False, extra)
        result = _execute(command, cwd, scratch, settings, list)
    return result


def scan_command(
    binary: Path,
    rules_file: Path,
    targets: Sequence[str],
    settings: SemgrepSettings,
    experimental: bool,
    extra: Sequence[str] = (),
) -> list[str]:
    """Return the semgrep command line of a scan: our flags, the rules, ``extra``, targets."""
    return [
        str(binary),
        "scan",
        *(["--experimental"] if experimental else []),
        "--json",
        "--quiet",
        "--metrics=off",
        "--disable-version-check",
        "--disable-nosem",
        "--no-git-ignore",
        "--max-target-bytes",
        "0",
        "--timeout",
        str(settings.timeout),
        # semgrep skips a file's remaining rules after three time-outs on it and reports
        # nothing for them; 0 lifts that limit, so every rule either runs or reports
        "--timeout-threshold",
        "0",
        "--max-memory",
        str(settings.max_memory_mb),
        "--jobs",
        str(settings.jobs),
        "--config",
        str(rules_file),
        *extra,
        *(t if not t.startswith("-") else "./" + t for t in targets),
    ]


def run_semgrep_test(
    binary: Path, directory: Path, scratch: Path, settings: SemgrepSettings
) -> RunResult:
    """Run semgrep's own rule tests (``semgrep test``) on a folder of rule/target pairs.

    The folder holds ``NAME.yaml`` rule files and ``NAME.<ext>`` targets annotated with
    ``# ruleid:`` / ``# ok:`` comments. The JSON result is returned as parsed data.
    """
    command = [str(binary), "test", "--experimental", "--json", str(directory)]
    return _execute(command, directory, scratch, settings, dict)


def _execute(
    command: list[str], cwd: Path, scratch: Path, settings: SemgrepSettings, results: type
) -> RunResult:
    """Run one semgrep process; its JSON counts when ``results`` has the expected type."""
    before = _children_cpu()
    try:
        process = subprocess.run(
            command,
            cwd=cwd,
            env=environment(scratch),
            capture_output=True,
            timeout=settings.process_timeout,
            check=False,
        )
    except (FileNotFoundError, PermissionError) as exc:
        raise EngineUnavailableError(f"semgrep could not be started: {exc}") from None
    except subprocess.TimeoutExpired:
        return RunResult(
            -signal.SIGKILL,
            None,
            f"semgrep did not finish within {settings.process_timeout} s and was stopped",
        )
    stderr = process.stderr.decode("utf-8", errors="replace")
    spent = _children_cpu() - before
    return RunResult(process.returncode, _parse(process.stdout, results), stderr, spent)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _parse(stdout: bytes, results: type) -> dict[str, Any] | None:
    """Read semgrep's JSON; bytes that are not UTF-8 become U+FFFD, never a lost result.

    Semgrep quotes the offending bytes of a file it cannot parse in the error message, raw: a
    binary file or UTF-16 source under a ``.py`` name makes the whole output invalid UTF-8,
    and a strict decoder would drop every other file's results with it.
    """
    try:
        data = json.loads(stdout.decode("utf-8", errors="replace"))
    except json.JSONDecodeError:
        return None
    if isinstance(data, dict) and isinstance(data.get("results"), results):
        return data
    return None


def environment(scratch: Path) -> dict[str, str]:
    """Our environment minus semgrep settings, plus the switches that keep semgrep offline."""
    home = scratch / "semgrep-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMGREP_")}
    env.update(
        {
            "SEMGREP_ENABLE_VERSION_CHECK": "0",
            "SEMGREP_SEND_METRICS": "off",
            "SEMGREP_SETTINGS_FILE": str(home / "settings.yml"),
            "SEMGREP_LOG_FILE": str(home / "semgrep.log"),
            "SEMGREP_VERSION_CACHE_PATH": str(home / "version"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "NO_COLOR": "1",
        }
    )
    return env


def batches(
    targets: Sequence[str],
    budget: int = ARG_BUDGET,
    sizes: Sequence[int] | None = None,
    source_budget: int | None = None,
) -> list[list[str]]:
    """Split targets into runs of semgrep: one logical scan, every rule on every file.

    A run's target paths stay under ``budget`` bytes (the command line), and with ``sizes``
    (each target's bytes, in order) its targets' bytes stay under ``source_budget``, which
    bounds what one semgrep process holds. A target larger than a budget runs alone.
    """
    result: list[list[str]] = [[]]
    used = source = 0
    for number, target in enumerate(targets):
        size = len(target.encode()) + 1
        weight = sizes[number] if sizes is not None else 0
        over_source = source_budget is not None and source + weight > source_budget
        if result[-1] and (used + size > budget or over_source):
            result.append([])
            used = source = 0
        result[-1].append(target)
        used += size
        source += weight
    return result
