"""Finding identities: what baselines and code scanning rely on to recognise a finding."""

from __future__ import annotations

from pathlib import Path

from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan
from tests.conftest import write_tree


def _missing_security_policy(root: Path) -> str:
    report = scan(ScanOptions(target=root, only_controls=("MLSEC-IR-01",), source_date_epoch=0))
    (result,) = report.results
    (finding,) = result.findings
    return finding.fingerprint


def test_missing_evidence_keeps_its_identity_when_its_anchor_file_changes(tmp_path: Path) -> None:
    first = _missing_security_policy(write_tree(tmp_path / "a", {"main.py": "x = 1\n"}))
    second = _missing_security_policy(
        write_tree(tmp_path / "b", {"aaa_baseline.json": "{}", "main.py": "x = 1\n"})
    )
    assert first == second


def test_moved_line_keeps_its_fingerprint(tmp_path: Path) -> None:
    def fingerprints(source: str) -> list[str]:
        root = write_tree(tmp_path / str(len(source)), {"train.py": source})
        report = scan(
            ScanOptions(target=root, only_controls=("MLSEC-LOAD-01",), source_date_epoch=0)
        )
        return [f.fingerprint for r in report.results for f in r.findings]

    before = fingerprints("import torch\nm = torch.load('a.pt')\n")
    after = fingerprints("import torch\n\n# resume training\n\nm = torch.load('a.pt')\n")
    assert before and before == after
