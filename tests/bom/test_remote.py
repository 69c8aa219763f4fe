"""Datasets read or downloaded from URLs in code: which calls count, and a verified digest."""

from __future__ import annotations

from pathlib import Path

from tests.bom.support import bom_of, by_ref, props
from tests.conftest import write_tree

DIGEST = "ab" * 32


def _urls(tmp_path: Path, code: str) -> dict[str, dict[str, str]]:
    write_tree(tmp_path, {"load.py": code})
    components = by_ref(bom_of(tmp_path).bom)
    return {k.removeprefix("data:url/"): props(c) for k, c in components.items() if "url/" in k}


def test_readers_take_any_url_downloaders_only_data_files(tmp_path: Path) -> None:
    code = (
        "import pandas as pd\nimport requests\n"
        "BASE = 's3://bucket/frames/train.parquet'\n"
        "a = pd.read_parquet(BASE)\n"
        "b = pd.read_csv('https://example.net/api/export?format=csv')\n"
        "c = requests.get('https://example.net/status')\n"  # not a data file: not a dataset
        "d = requests.get('https://example.net/dumps/all.jsonl.gz', timeout=5)\n"
        "e = pd.read_csv('data/local.csv')\n"  # a path, not a URL
    )
    urls = _urls(tmp_path, code)
    assert sorted(urls) == [
        "https://example.net/api/export?format=csv",
        "https://example.net/dumps/all.jsonl.gz",
        "s3://bucket/frames/train.parquet",
    ]
    assert urls["s3://bucket/frames/train.parquet"]["provenance:remote-url"] == (
        "inferred load.py:4"
    )


def test_a_digest_is_the_hash_only_when_one_download_is_checked(tmp_path: Path) -> None:
    checked = (
        "import hashlib, urllib.request\nURL = 'https://example.net/d.zip'\n"
        f"DIGEST = '{DIGEST}'\n"
        "path, _ = urllib.request.urlretrieve(URL)\n"
        "if hashlib.sha256(open(path, 'rb').read()).hexdigest() != DIGEST:\n"
        "    raise SystemExit('bad download')\n"
    )
    bom = bom_of(write_tree(tmp_path / "one", {"get.py": checked})).bom
    [component] = [c for c in bom["components"] if c["bom-ref"].startswith("data:url/")]
    assert component["hashes"] == [{"alg": "SHA-256", "content": DIGEST}]
    assert props(component)["provenance:hashes"] == "inferred get.py:5"
    two = checked + "urllib.request.urlretrieve('https://example.net/e.zip')\n"
    bom = bom_of(write_tree(tmp_path / "two", {"get.py": two})).bom
    remote = [c for c in bom["components"] if c["bom-ref"].startswith("data:url/")]
    assert len(remote) == 2
    assert all("hashes" not in c for c in remote)  # which download the digest checks is unclear
