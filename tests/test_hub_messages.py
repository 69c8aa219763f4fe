"""Hub findings say which model or dataset they are about, and grade what is downloaded."""

from __future__ import annotations

from pathlib import Path

from mlsec_policy.models import Severity
from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan
from tests.conftest import write_tree


def test_hub_findings_name_the_value_and_grade_config_only_downloads(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "prepare.py": "from datasets import load_dataset\n"
            'CORPUS = "example-org/support-tickets"\n'
            "tickets = load_dataset(CORPUS)\n",
            "model.py": "from transformers import AutoConfig, AutoModel\n"
            'config = AutoConfig.from_pretrained("example-org/chat")\n'
            'model = AutoModel.from_pretrained("example-org/chat")\n',
        },
    )
    report = scan(
        ScanOptions(
            target=tmp_path, only_controls=("MLSEC-HUB-02", "MLSEC-HUB-03"), source_date_epoch=0
        )
    )
    findings = {
        (f.location.path, f.location.start_line): f for r in report.results for f in r.findings
    }
    assert '"example-org/support-tickets"' in findings[("prepare.py", 3)].message
    assert findings[("model.py", 2)].check_id == "hub-config-unpinned"
    assert findings[("model.py", 2)].severity is Severity.LOW
    assert findings[("model.py", 3)].check_id == "hub-model-unpinned"
    assert findings[("model.py", 3)].severity is Severity.MEDIUM
