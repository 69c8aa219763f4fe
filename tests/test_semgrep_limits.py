"""A rule that semgrep stops on one file: said at once, named, and the scan goes on.

Real semgrep, a real slow rule (the shape MLSEC-FETCH-03 had before its rewrite) on a real
generated file. Four copies of the rule time out on the same file: semgrep's own default would
skip every other rule of that file after the third time-out and report nothing for them.

No time is asserted, and semgrep's limit is wall-clock time, so the file is chosen for a wide
margin both ways: one 4,000-line function, on which the slow rule needs about half a minute
(its cost grows with the square of the function; a faster runner still reaches the 3 s limit),
while parsing it and the ordinary rule take a fraction of a second. The whole 4,000-line stress
file left a margin of about 1.5 and a faster CI runner finished the rule; the 10,000-line one
failed the other way, its parse alone taking over 3 s of wall time on a loaded machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mlsec_policy.policytest.stress import long_function_source
from tests.conftest import CliResult, load_json, write_tree
from tests.support.slowpack import SLOW_CHECK, write_slow_pack


def test_every_stopped_rule_is_named_at_once_and_the_other_rules_still_run(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    pack = write_slow_pack(tmp_path / "pack", slow_copies=4)
    source = long_function_source(4000)
    repo = write_tree(tmp_path / "repo", {"app.py": source + "state = pickle.loads(blob)\n"})
    last_line = source.count("\n") + 1
    out = tmp_path / "report.json"
    result = cli(
        "scan", str(repo), "--policy", str(pack), "--no-config", "--jobs", "1",
        "--timeout", "3", "--json-output", str(out),
    )  # fmt: skip
    assert result.code == 3, result.out + result.err
    report = load_json(out)
    stopped = [e for e in report["errors"] if e["kind"] == "timeout"]
    assert sorted(e["control_ids"][0] for e in stopped) == [
        "TEST-SLOW-01",
        "TEST-SLOW-02",
        "TEST-SLOW-03",
        "TEST-SLOW-04",
    ]
    for error in stopped:
        (control,) = error["control_ids"]
        check = SLOW_CHECK + ("" if control.endswith("01") else "-" + control[-1])
        assert error["path"] == "app.py"
        assert error["message"] == (
            f"semgrep rule {check} ({control}) took longer than 3 s on app.py and was "
            "stopped; the other rules ran on this file"
        )
        assert "--timeout SECONDS" in error["hint"]
        assert f"--disable {control} drops the control everywhere" in error["hint"]
        assert "--exclude drops the file from every check" in error["hint"]
        assert f"warning: {error['message']}" in result.err, "said as soon as semgrep returned"
    statuses = {r["control"]["id"]: r["status"] for r in report["results"]}
    assert statuses == {
        "TEST-FAST-01": "fail",
        "TEST-SLOW-01": "error",
        "TEST-SLOW-02": "error",
        "TEST-SLOW-03": "error",
        "TEST-SLOW-04": "error",
    }
    (fast,) = [r for r in report["results"] if r["control"]["id"] == "TEST-FAST-01"]
    assert [f["location"]["start_line"] for f in fast["findings"]] == [last_line]
