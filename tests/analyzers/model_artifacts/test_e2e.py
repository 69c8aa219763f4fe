"""End to end: the real CLI scans a repository holding generated model files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mlsec_policy.policytest import forge
from tests.conftest import CliResult, load_json, report_validator, sarif_validator, write_tree


def test_malicious_models_fail_the_scan_with_file_level_findings(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    state = forge.state_dict({"w": (2, 2)})
    evil = dict(state)
    evil["x"] = forge.payload()
    repo = write_tree(
        tmp_path / "repo",
        {
            "models/good.pt": forge.torch_zip(state),
            "models/evil.pt": forge.torch_zip(evil),
            "docs/notes.txt": forge.dumps(forge.payload(), 0),
            "release.zip": forge.zip_of(
                {"inner.zip": forge.zip_of({"m.pkl": forge.dumps(forge.payload(), 4)})}
            ),
            "model.safetensors": forge.safetensors({"w": ("F32", [1], (0, 4))}, 4),
        },
    )
    out = tmp_path / "out"
    out.mkdir()
    result = cli(
        "scan",
        str(repo),
        "--json-output",
        str(out / "r.json"),
        "--sarif-output",
        str(out / "r.sarif"),
    )
    assert result.code == 1, result.out + result.err
    report = load_json(out / "r.json")
    report_validator().validate(report)
    sarif = load_json(out / "r.sarif")
    sarif_validator().validate(sarif)
    by_control = {
        r["control"]["id"]: sorted({f["location"]["path"] for f in r["findings"]})
        for r in report["results"]
    }
    assert by_control["MLSEC-ART-01"] == ["docs/notes.txt", "models/evil.pt", "release.zip"]
    assert by_control["MLSEC-ART-04"] == ["docs/notes.txt"]
    assert by_control["MLSEC-ART-03"] == []
    statuses = {r["control"]["id"]: r["status"] for r in report["results"]}
    assert statuses["MLSEC-ART-03"] == "pass"
    assert statuses["MLSEC-ART-06"] == "not-applicable" or statuses["MLSEC-ART-06"] == "pass"
    messages = [
        r["message"]["text"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "MLSEC-ART-01"
    ]
    assert any("archive/data.pkl: imports os.system" in m for m in messages)
    assert any("inner.zip!m.pkl" in m for m in messages)


def test_benign_models_pass(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    repo = write_tree(
        tmp_path / "repo",
        {
            "pytorch_model.bin": forge.torch_zip(forge.state_dict({"w": (8, 8)})),
            "model.safetensors": forge.safetensors({"w": ("F32", [2], (0, 8))}, 8),
            "model.keras": forge.keras_zip(forge.keras_dense_config()),
        },
    )
    out = tmp_path / "r.json"
    cli("scan", str(repo), "--json-output", str(out))
    report = load_json(out)
    statuses = {r["control"]["id"]: r["status"] for r in report["results"]}
    for control in ("MLSEC-ART-01", "MLSEC-ART-02", "MLSEC-ART-03", "MLSEC-ART-04", "MLSEC-ART-05"):
        assert statuses[control] == "pass", (control, statuses[control])
