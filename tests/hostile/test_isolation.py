"""One file that sinks a whole semgrep process never takes other files' results with it.

Two mechanisms, two tests. Semgrep quotes the raw bytes of a file it cannot parse in its JSON
output, so a binary file under a ``.py`` name (or UTF-16 source) made that output invalid
UTF-8 and every result was dropped: the output is now read with undecodable bytes replaced.
A process that still ends without a usable result is run again on halves of its targets
until the file that sinks it is alone and named; a semgrep that crashes on one file is a
fault we cannot cause with the real binary, so a wrapper around it crashes on one name.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from mlsec_policy.engines.semgrep.process import find_binary
from mlsec_policy.options import SemgrepSettings
from tests.hostile import corpus

CHECK = ("MLSEC-LOAD-02", "pickle-family-load")


def scan(root: Path, out: Path, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """Scan ``root`` and return the exit code and the JSON report."""
    report = out / "report.json"
    command = [sys.executable, "-m", "mlsec_policy", "scan", str(root), "--no-config"]
    command += ["--no-hash-cache", "--json-output", str(report), "-q"]
    done = subprocess.run(
        command, capture_output=True, env={**os.environ, **(env or {})}, timeout=600, check=False
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    return done.returncode, json.loads(report.read_text(encoding="utf-8"))


def places(report: dict[str, Any]) -> set[tuple[str, int]]:
    """Return (path, line) of the plain violation's check."""
    return {
        (f["location"]["path"], f["location"]["start_line"])
        for r in report["results"]
        for f in r["findings"]
        if (f["control_id"], f["check_id"]) == CHECK
    }


def test_bad_bytes_in_semgrep_output_lose_no_other_file(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    corpus.write(root / "app.py", corpus.PLAIN)
    corpus.write(root / "binary.py", b"\xff\xfe\x00" + bytes(range(256)) * 4)
    corpus.write(root / "utf16.py", "import os\nos.system(input())\n".encode("utf-16"))
    code, report = scan(root, tmp_path)
    assert ("app.py", corpus.PLAIN_LINE) in places(report)
    failed = [e for e in report["errors"] if e["kind"] == "engine-failed"]
    assert not failed, "one file's bytes sank the whole semgrep process"
    assert {"binary.py", "utf16.py"} <= {e["path"] for e in report["errors"]}
    assert code == 3


def test_a_file_that_crashes_semgrep_is_isolated_and_named(tmp_path: Path) -> None:
    real = find_binary(SemgrepSettings())
    wrapper = tmp_path / "semgrep"
    wrapper.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do case "$arg" in *poison.py) echo crashed >&2; exit 2;; esac; done\n'
        f'exec "{real}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    root = tmp_path / "repo"
    corpus.write(root / "app.py", corpus.PLAIN)
    corpus.write(root / "poison.py", "x = 1\n")
    for number in range(6):
        corpus.write(root / f"other{number}.py", corpus.PLAIN)
    code, report = scan(root, tmp_path, {"MLSEC_POLICY_SEMGREP": str(wrapper)})
    found = places(report)
    assert ("app.py", corpus.PLAIN_LINE) in found
    assert {(f"other{n}.py", corpus.PLAIN_LINE) for n in range(6)} <= found
    failed = [e for e in report["errors"] if e["kind"] == "engine-failed"]
    assert [e["path"] for e in failed] == ["poison.py"]
    assert "alone" in failed[0]["message"]
    assert code == 3
