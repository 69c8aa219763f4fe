"""``controls list``, ``controls show`` and ``risks`` through the real command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.policy import load_policy
from tests.conftest import EXAMPLES, CliResult, write_tree

Cli = Callable[..., CliResult]
CUSTOM = str(EXAMPLES / "custom-pack")


def test_list_prints_every_enabled_control_in_phase_order(cli: Cli) -> None:
    result = cli("controls", "list")
    assert result.code == 0, result.err
    policy = load_policy(("builtin",), ANALYZERS)
    rows = [line.split()[0] for line in result.out.splitlines()[:-1]]
    assert sorted(rows) == sorted(c.id for c in policy.controls)
    order = {p.id: p.order for p in policy.taxonomy.phases}
    phases = [order[policy.control(row).meta.phase] for row in rows]
    assert phases == sorted(phases)
    assert result.out.splitlines()[-1] == f"{len(rows)} controls"


def test_list_filters_by_phase_risk_and_severity(cli: Cli) -> None:
    result = cli("controls", "list", "--phase", "app-development", "--format", "json")
    listed = json.loads(result.out)
    assert listed and {c["phase"] for c in listed} == {"app-development"}
    assert "MLSEC-CI-02" in {c["id"] for c in listed}

    result = cli("controls", "list", "--risk", "r5-privacy", "--format", "json")
    assert {c["id"] for c in json.loads(result.out)} >= {"MLSEC-DATA-03"}
    assert all("R5-Privacy" in c["risks"] for c in json.loads(result.out))

    result = cli("controls", "list", "--severity", "critical", "--format", "json")
    assert {c["severity"] for c in json.loads(result.out)} == {"critical"}


def test_list_rejects_unknown_phase_and_risk_with_exit_2(cli: Cli) -> None:
    phase = cli("controls", "list", "--phase", "training")
    assert phase.code == 2
    assert "unknown phase 'training'" in phase.err and "model-training" in phase.err
    risk = cli("controls", "list", "--risk", "R99-Security")
    assert risk.code == 2 and "unknown risk code" in risk.err


def test_show_explains_a_control_with_checks_and_fixtures(cli: Cli) -> None:
    result = cli("controls", "show", "mlsec-ci-03")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("MLSEC-CI-03  Untrusted event data is never interpolated")
    for text in (
        "severity      high",
        "phase         app-development (Application development and code integration)",
        "R20-Security (Code vulnerabilities)",
        "requirements  PS7, MS2",
        "cwe CWE-78 CWE-94",
        "Why\n",
        "How to fix\n",
        "gha-untrusted-expression-in-script  [native, violation]",
        "analyzer: gha-script-injection",
        "fail                     fail: .github/workflows/triage.yml:14",
    ):
        assert text in out, text


def test_show_json_has_everything(cli: Cli) -> None:
    data = json.loads(cli("controls", "show", "MLSEC-RATE-01", "--format", "json").out)
    assert data["id"] == "MLSEC-RATE-01"
    assert data["risk_titles"]["R22-Security"]
    assert {c["id"] for c in data["checks"]} == {
        "web-api-routes",
        "app-rate-limiter",
        "ingress-rate-limit",
    }
    assert next(c for c in data["checks"] if c["id"] == "web-api-routes")["mode"] == "scope"
    assert {f["case"]: f["status"] for f in data["fixtures"]}["no-api"] == "not-applicable"
    assert data["source"].endswith("MLSEC-RATE-01/control.yaml")


def test_show_unknown_control_suggests_close_ids(cli: Cli) -> None:
    result = cli("controls", "show", "MLSEC-K8S-1")
    assert result.code == 2
    assert "no control 'MLSEC-K8S-1'" in result.err and "MLSEC-K8S-01" in result.err


def test_show_a_control_the_custom_pack_disabled(cli: Cli) -> None:
    result = cli("controls", "show", "MLSEC-CONT-03", "--policy", CUSTOM)
    assert result.code == 2 and "disabled" in result.err


def test_commands_read_custom_packs(cli: Cli) -> None:
    listed = json.loads(cli("controls", "list", "--policy", CUSTOM, "--format", "json").out)
    ids = {c["id"] for c in listed}
    assert "ACME-REG-01" in ids and "MLSEC-CONT-03" not in ids and "MLSEC-CONT-01" in ids
    k8s05 = next(c for c in listed if c["id"] == "MLSEC-K8S-05")
    assert k8s05["severity"] == "medium"
    shown = cli("controls", "show", "ACME-REG-01", "--policy", CUSTOM)
    assert "pack acme-ml-policy" in shown.out


def test_risks_matrix_covers_everything(cli: Cli) -> None:
    result = cli("risks", "--strict")
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == "34/34 risk codes covered"
    assert "UNCOVERED" not in result.out
    row = next(line for line in result.out.splitlines() if line.strip().startswith("R5-Privacy"))
    assert "MLSEC-DATA-03" in row
    data = json.loads(cli("risks", "--format", "json").out)
    assert next(p["id"] for p in data["phases"]) == "data-collection"
    assert data["uncovered"] == []


def test_risks_flags_gaps_of_a_small_pack(tmp_path: Path, cli: Cli) -> None:
    pack = write_tree(
        tmp_path / "pack",
        {
            "pack.yaml": "name: tiny\nversion: 0.1.0\n",
            "controls/one/control.yaml": (
                "id: TINY-01\ntitle: Only one control here\nseverity: low\n"
                "phase: model-storage\nrisks: [R11-Security]\nrequirements: [MS1]\n"
                "rationale: A pack with a single control leaves most risks uncovered.\n"
                "remediation: Add controls for the other risks of the taxonomy.\n"
                "checks:\n  - id: tiny-attested\n    engine: attestation\n"
                "    evidence: A link to something that proves it\n"
            ),
        },
    )
    result = cli("risks", "--policy", str(pack))
    assert result.code == 0
    assert "1/34 risk codes covered" in result.out
    assert "R1-Security" in result.out and "<< UNCOVERED" in result.out
    assert "data-collection — Data collection (0 controls)  << NO CONTROLS" in result.out
    assert cli("risks", "--policy", str(pack), "--strict").code == 1
    data = json.loads(cli("risks", "--policy", str(pack), "--format", "json").out)
    assert len(data["uncovered"]) == 33


def test_analyzers_lists_every_native_analyzer_with_its_parameters(cli: Cli) -> None:
    result = cli("controls", "analyzers", "--format", "json")
    assert result.code == 0, result.err
    listed = json.loads(result.out)
    assert [entry["name"] for entry in listed] == sorted(ANALYZERS)
    for entry in listed:
        spec = ANALYZERS[entry["name"]]
        assert entry["description"] == spec.description
        assert entry["reads"] == ("repository" if spec.repo else "file")
        assert set(entry["kinds"]) == {kind.value for kind in spec.kinds}
        assert entry["params"] == spec.params_schema
    by_name = {entry["name"]: entry for entry in listed}
    assert by_name["model-artifact"]["used_by"][:2] == ["MLSEC-ART-01", "MLSEC-ART-02"]
    assert by_name["model-artifact"]["params"]["required"] == ["concerns"]


def test_analyzers_text_names_parameters_and_users(cli: Cli) -> None:
    result = cli("controls", "analyzers", "files-present", "dependency-lock")
    assert result.code == 0, result.err
    blocks = result.out.strip().split("\n\n")
    assert [block.split()[0] for block in blocks] == ["dependency-lock", "files-present"]
    assert "params    none" in blocks[0]
    files = blocks[1]
    assert files.startswith("files-present  (repository)")
    assert "params    patterns (required): list of string (at least 1)" in files
    assert "limit: integer (≥ 1)" in files
    assert "Report at most this many files" in files
    assert "used by   MLSEC-" in files


def test_analyzers_rejects_an_unknown_name_with_a_suggestion(cli: Cli) -> None:
    result = cli("controls", "analyzers", "files-presnt")
    assert result.code == 2
    assert "no analyzer 'files-presnt'" in result.err
    assert "did you mean 'files-present'?" in result.err
