"""``report merge`` with ML-BOMs: shared model files, hub pinning, known-vulnerable packages."""

from __future__ import annotations

import json
from pathlib import Path

from mlsec_policy.schema_check import validator_for
from tests.conftest import run_subprocess, write_tree
from tests.support.htmltree import parse
from tests.support.org_reports import ENV, merge, scan

PINNED = "a" * 40
HEADER = b"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
NPY = b"\x93NUMPY\x01\x00v\x00" + HEADER + b" " * 45 + b"\n" + b"\x00" * 8
"""A two-float NumPy array (header padded to 128 bytes)."""
ONE: dict[str, str | bytes] = {
    "models/clf.npy": NPY,
    "train.py": (
        "from transformers import AutoModel\n\nm = AutoModel.from_pretrained('acme/encoder')\n"
    ),
    "requirements.txt": "torch==2.5.1\n",
}
TWO: dict[str, str | bytes] = {
    "weights/copy.npy": NPY,
    "serve.py": (
        "from transformers import AutoModel\n\n"
        f"m = AutoModel.from_pretrained('acme/encoder', revision='{PINNED}')\n"
    ),
}


def test_boms_add_what_the_repositories_ship(tmp_path: Path) -> None:
    inputs = []
    for name, files in (("one", ONE), ("two", TWO)):
        repo = write_tree(tmp_path / name, files)
        bom = tmp_path / f"{name}.cdx.json"
        done = run_subprocess("bom", str(repo), "-o", str(bom), env=ENV)
        assert done.code == 0, done.err
        inputs += [str(bom), str(scan(repo, tmp_path / f"{name}.json"))]
    out, md = tmp_path / "org.json", tmp_path / "org.md"
    page = tmp_path / "org.html"
    result = merge(
        *inputs, "-o", str(out), "--markdown-output", str(md), "--html-output", str(page)
    )
    assert result.code == 0, result.err
    merged = json.loads(out.read_text(encoding="utf-8"))
    validator_for("org-report.schema.json").validate(merged)
    assert merged["summary"]["repositories"] == 2
    assert merged["inputs"] == 4
    inventory = merged["inventory"]
    assert inventory["boms"] == 2
    (shared,) = inventory["shared_model_files"]
    assert shared["repositories"] == ["one", "two"]
    assert shared["paths"] == ["models/clf.npy", "weights/copy.npy"]
    assert inventory["hub_models"] == [{"id": "acme/encoder", "pinned_in": 1, "unpinned_in": 1}]
    torch = [
        v
        for v in inventory["vulnerable_packages"]
        if any("torch@2.5.1" in p for p in v["packages"])
    ]
    assert torch and torch[0]["repositories"] == ["one"]
    text = md.read_text(encoding="utf-8")
    assert "| acme/encoder | 1 | 1 |" in text
    assert f"`{shared['sha256'][:16]}…`" in text
    rows = parse(page.read_text(encoding="utf-8")).find("section", id="inventory").find_all("tr")
    assert [r.attrs["data-sha256"] for r in rows if "data-sha256" in r.attrs] == [shared["sha256"]]


def test_without_boms_there_is_no_inventory(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "one", {"README.md": "# one\n"})
    out = tmp_path / "org.json"
    assert merge(str(scan(repo, tmp_path / "one.json")), "-o", str(out)).code == 0
    assert "inventory" not in json.loads(out.read_text(encoding="utf-8"))
