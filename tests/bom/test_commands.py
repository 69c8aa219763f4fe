"""``bom``, ``bom diff`` and ``scan --bom-output`` through the real command line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bom.support import by_ref, props, safetensors, schema_errors
from tests.conftest import EXAMPLES, CliResult, write_tree

Cli = Callable[..., CliResult]


@pytest.fixture(autouse=True)
def _pinned_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")


def test_bom_writes_a_valid_bom_and_says_what_it_holds(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "bom.cdx.json"
    result = cli("bom", str(EXAMPLES / "vulnerable-ml-app"), "-o", str(out))
    assert result.code == 0
    assert "ML-BOM: 3 model(s), 4 dataset(s), 9 package(s), 1 base image(s)" in result.err
    assert "advisory snapshot 2024-10-10" in result.err
    bom = json.loads(out.read_text(encoding="utf-8"))
    assert schema_errors(bom) == []
    assert bom["metadata"]["timestamp"] == "2026-12-01T00:00:00Z"
    again = tmp_path / "again.cdx.json"
    assert cli("bom", str(EXAMPLES / "vulnerable-ml-app"), "-o", str(again)).code == 0
    assert again.read_bytes() == out.read_bytes()


def test_a_known_vulnerable_pin_is_in_the_boms_vulnerabilities(cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path / "repo", {"requirements.txt": "torch==2.5.1+cpu\nmlflow==2.9.0\n"})
    result = cli("bom", str(tmp_path / "repo"), "-o", str(tmp_path / "bom.json"))
    assert "5 known-vulnerable match(es)" in result.err
    bom = json.loads((tmp_path / "bom.json").read_text(encoding="utf-8"))
    assert schema_errors(bom) == []
    vulnerabilities = {v["id"]: v for v in bom["vulnerabilities"]}
    torch = vulnerabilities["GHSA-53q9-r3pm-6pq6"]
    assert torch["affects"] == [
        {
            "ref": "library:pypi/torch",
            "versions": [{"range": "vers:pypi/<2.6.0", "status": "affected"}],
        }
    ]
    assert torch["references"] == [{"id": "CVE-2025-32434", "source": {"name": "alias"}}]
    assert torch["recommendation"] == "Upgrade torch to 2.6.0 or later."
    facts = {p["name"]: p["value"] for p in torch["properties"]}
    assert facts["mlsec-policy:installed-version"] == "2.5.1+cpu"
    assert facts["mlsec-policy:advisory-snapshot"] == "2024-10-10"
    assert sorted(vulnerabilities) == [
        "GHSA-53q9-r3pm-6pq6",
        "PYSEC-2023-252",
        "PYSEC-2023-253",
        "PYSEC-2023-260",
        "PYSEC-2024-51",
    ]
    library = by_ref(bom)["library:pypi/torch"]
    assert library["purl"] == "pkg:pypi/torch@2.5.1%2Bcpu"
    assert props(library)["advisories"] == "1"


def test_scan_writes_the_same_bom_from_its_inventory(cli: Cli, tmp_path: Path) -> None:
    target = EXAMPLES / "compliant-ml-app"
    by_scan, by_bom = tmp_path / "scan.cdx.json", tmp_path / "bom.cdx.json"
    result = cli("scan", str(target), "-q", "--bom-output", str(by_scan))
    assert result.code == 0
    assert cli("bom", str(target), "-o", str(by_bom)).code == 0
    assert by_scan.read_bytes() == by_bom.read_bytes()


def test_scan_refuses_two_outputs_on_standard_output(cli: Cli) -> None:
    result = cli(
        "scan", str(EXAMPLES / "compliant-ml-app"), "--bom-output", "-", "--json-output", "-"
    )
    assert result.code == 2
    assert "standard output" in result.err


def test_diff_names_models_revisions_and_packages_that_changed(cli: Cli, tmp_path: Path) -> None:
    old_tree = write_tree(
        tmp_path / "old",
        {
            "requirements.txt": "torch==2.5.1\nnumpy==2.1.0\n",
            "models/a.safetensors": safetensors({"w": 1}),
            "train.py": "from transformers import AutoModel\nAutoModel.from_pretrained('acme/m')\n",
        },
    )
    new_tree = tmp_path / "new"
    shutil.copytree(old_tree, new_tree)
    write_tree(
        new_tree,
        {
            "requirements.txt": "torch==2.6.0\npandas==2.2.3\n",
            "models/a.safetensors": safetensors({"w": 2}),
            "train.py": (
                "from transformers import AutoModel\n"
                "AutoModel.from_pretrained(\n"
                "    'acme/m', revision='0123456789abcdef0123456789abcdef01234567')\n"
            ),
        },
    )
    for name in ("old", "new"):
        assert cli("bom", str(tmp_path / name), "-o", str(tmp_path / f"{name}.json")).code == 0
    result = cli("bom", "diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert result.code == 1
    lines = result.out.splitlines()
    assert "packages: removed numpy" in lines
    assert "packages: added pandas (2.2.3)" in lines
    assert any(
        line.startswith("packages: changed torch; version: 2.5.1 -> 2.6.0") for line in lines
    )
    assert any(line.startswith("models: changed models/a.safetensors; hashes:") for line in lines)
    assert any(
        line.startswith("models: changed hub:acme/m; version: None -> 0123456789abcdef")
        and "revision-pinned: mutable -> pinned" in line
        for line in lines
    )
    assert "vulns: removed GHSA-53q9-r3pm-6pq6" in lines
    same = cli("bom", "diff", str(tmp_path / "new.json"), str(tmp_path / "new.json"))
    assert (same.code, same.out) == (0, "no changes\n")


def test_diff_rejects_a_file_that_is_not_a_bom(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"runs": []}', encoding="utf-8")
    result = cli("bom", "diff", str(tmp_path / "a.json"), str(tmp_path / "a.json"))
    assert result.code == 2
    assert "not a CycloneDX BOM" in result.err
