"""scripts/atlas_framework.py: a new ATLAS release refreshes the ids and keeps our own data.

The script runs as a real process on small ATLAS-shaped release files written here; the
shipped mitre-atlas.yaml must be exactly what the script writes for its own release.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "atlas_framework.py"
SHIPPED = REPO / "policies" / "frameworks" / "mitre-atlas.yaml"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def release(version: str, techniques: list[dict[str, Any]]) -> dict[str, Any]:
    tactics = [
        {"id": "AML.TA0002", "name": "Reconnaissance", "description": "x"},
        {"id": "AML.TA0004", "name": "Initial Access", "description": "x"},
    ]
    return {
        "id": "ATLAS",
        "version": version,
        "matrices": [{"id": "ATLAS", "tactics": tactics, "techniques": techniques}],
    }


TECHNIQUES: list[dict[str, Any]] = [
    {"id": "AML.T0000", "name": "Search Things", "tactics": ["AML.TA0002"]},
    {"id": "AML.T0010", "name": "Supply Chain", "tactics": ["AML.TA0004", "AML.TA0002"]},
    {"id": "AML.T0010.003", "name": "Model", "subtechnique-of": "AML.T0010"},
    {"id": "AML.T0001", "name": "Search More", "tactics": ["AML.TA0002"]},
]


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_a_first_run_builds_the_skeleton_from_the_release(tmp_path: Path) -> None:
    source = write(tmp_path / "ATLAS.yaml", release("1.0.0", TECHNIQUES))
    target = tmp_path / "mitre-atlas.yaml"
    done = run(source, target, "--commit", COMMIT)
    assert done.returncode == 0, done.stderr
    data = load(target)
    assert data["version"] == "1.0.0"
    assert f"release 1.0.0 at commit {COMMIT}" in data["notes"]
    assert [s["id"] for s in data["sections"]] == ["AML.TA0002", "AML.TA0004"]
    placed = {r["id"]: r["section"] for r in data["requirements"]}
    # sorted by tactic then id; a technique under its first tactic, a sub-technique its parent's
    assert list(placed.items()) == [
        ("AML.T0000", "AML.TA0002"),
        ("AML.T0001", "AML.TA0002"),
        ("AML.T0010", "AML.TA0004"),
        ("AML.T0010.003", "AML.TA0004"),
    ]
    for requirement in data["requirements"]:
        assert requirement["coverage"] == "not-covered"
        assert "not yet reviewed" in requirement["reason"]
    assert "added AML.T0010.003 (Model)" in done.stderr


def test_a_new_release_keeps_our_titles_and_mappings(tmp_path: Path) -> None:
    target = tmp_path / "mitre-atlas.yaml"
    first = write(tmp_path / "old.yaml", release("1.0.0", TECHNIQUES))
    assert run(first, target, "--commit", COMMIT).returncode == 0
    ours = load(target)
    model = ours["requirements"][3]
    assert model["id"] == "AML.T0010.003"
    model.update(
        title="Tampered model from a hub",
        coverage="partial",
        mappings=[{"control": "MLSEC-HUB-02", "evidence": "automated"}],
    )
    del model["reason"]
    ours["sections"][0]["title"] = "Our words for reconnaissance"
    write(target, ours)

    moved = dict(TECHNIQUES[1], tactics=["AML.TA0002"])
    newer = [
        TECHNIQUES[0],
        moved,
        TECHNIQUES[2],
        {"id": "AML.T0099", "name": "Brand New", "tactics": ["AML.TA0004"]},
    ]
    second = write(tmp_path / "new.yaml", release("1.1.0", newer))
    done = run(second, target, "--commit", "f" * 40)
    assert done.returncode == 0, done.stderr
    data = load(target)
    assert data["version"] == "1.1.0"
    assert f"release 1.1.0 at commit {'f' * 40}" in data["notes"]
    assert data["sections"][0]["title"] == "Our words for reconnaissance"
    by_id = {r["id"]: r for r in data["requirements"]}
    assert list(by_id) == ["AML.T0000", "AML.T0010", "AML.T0010.003", "AML.T0099"]
    assert by_id["AML.T0010.003"] == {
        "id": "AML.T0010.003",
        "title": "Tampered model from a hub",
        "section": "AML.TA0002",
        "coverage": "partial",
        "mappings": [{"control": "MLSEC-HUB-02", "evidence": "automated"}],
    }
    assert by_id["AML.T0099"]["reason"].startswith("New in ATLAS release 1.1.0")
    assert "dropped AML.T0001" in done.stderr
    assert "moved AML.T0010 to AML.TA0002" in done.stderr
    assert run(second, target, "--commit", "f" * 40, "--check").returncode == 0


def test_a_mapped_technique_is_never_dropped_silently(tmp_path: Path) -> None:
    target = tmp_path / "mitre-atlas.yaml"
    first = write(tmp_path / "old.yaml", release("1.0.0", TECHNIQUES))
    assert run(first, target).returncode == 0
    ours = load(target)
    ours["requirements"][0].update(
        coverage="partial", mappings=[{"control": "MLSEC-GOV-01", "evidence": "automated"}]
    )
    write(target, ours)
    before = target.read_text(encoding="utf-8")
    second = write(tmp_path / "new.yaml", release("2.0.0", TECHNIQUES[1:]))
    refused = run(second, target)
    assert refused.returncode == 2
    assert "AML.T0000" in refused.stderr and "--drop-mapped" in refused.stderr
    assert target.read_text(encoding="utf-8") == before
    assert run(second, target, "--check").returncode == 2
    dropped = run(second, target, "--drop-mapped")
    assert dropped.returncode == 0, dropped.stderr
    assert "AML.T0000" not in {r["id"] for r in load(target)["requirements"]}


def test_check_reports_a_stale_file_without_writing(tmp_path: Path) -> None:
    target = tmp_path / "mitre-atlas.yaml"
    assert run(write(tmp_path / "a.yaml", release("1.0.0", TECHNIQUES)), target).returncode == 0
    before = target.read_text(encoding="utf-8")
    newer = write(tmp_path / "b.yaml", release("1.0.1", TECHNIQUES))
    stale = run(newer, target, "--check")
    assert stale.returncode == 1
    assert "would change" in stale.stderr
    assert target.read_text(encoding="utf-8") == before


def test_a_malformed_release_is_refused_with_the_reason(tmp_path: Path) -> None:
    target = tmp_path / "mitre-atlas.yaml"
    cases = {
        "orphan": release(
            "1.0.0", [{"id": "AML.T0005.001", "name": "x", "subtechnique-of": "AML.T0005"}]
        ),
        "bad-id": release("1.0.0", [{"id": "T0005", "name": "x", "tactics": ["AML.TA0002"]}]),
        "no-tactic": release("1.0.0", [{"id": "AML.T0005", "name": "x", "tactics": ["X"]}]),
        "no-version": release("", TECHNIQUES),
    }
    messages = {
        "orphan": "sub-technique of unknown AML.T0005",
        "bad-id": "is not AML.Tnnnn",
        "no-tactic": "has no tactic of the matrix",
        "no-version": "is not a dotted number",
    }
    for name, data in cases.items():
        done = run(write(tmp_path / f"{name}.yaml", data), target)
        assert done.returncode == 2, name
        assert messages[name] in done.stderr, (name, done.stderr)
        assert not target.exists()


def test_the_shipped_file_is_what_the_script_writes_for_its_release(tmp_path: Path) -> None:
    shipped = load(SHIPPED)
    by_id = {r["id"]: r for r in shipped["requirements"]}
    techniques = [
        {"id": i, "name": "n", "subtechnique-of": i.rsplit(".", 1)[0]}
        if i.count(".") == 2
        else {"id": i, "name": "n", "tactics": [r["section"]]}
        for i, r in by_id.items()
    ]
    tactics = [{"id": s["id"], "name": s["title"]} for s in shipped["sections"]]
    data = {
        "version": shipped["version"],
        "matrices": [{"tactics": tactics, "techniques": techniques}],
    }
    commit = shipped["notes"].split("commit ", 1)[1][:40]
    copy = tmp_path / "mitre-atlas.yaml"
    copy.write_bytes(SHIPPED.read_bytes())
    done = run(write(tmp_path / "ATLAS.yaml", data), copy, "--commit", commit, "--check")
    assert done.returncode == 0, done.stderr
