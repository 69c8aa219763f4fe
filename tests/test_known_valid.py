"""The bundled pack's files known valid: a cold scan does not check them again, nothing else.

:mod:`mlsec_policy.policy.known_valid` ships the keys (content addresses) of the bundled
pack's files as checked valid by ``scripts/known_valid.py``. The list is current; a scan with
a cold cache, or none, checks no bundled control against the schemas; a file whose bytes
differ from the ones listed is checked in full and rejected when wrong.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.errors import PolicyErrors
from mlsec_policy.policy import known_valid, load_policy, loader
from mlsec_policy.policy.known_valid import KnownValidMemo, recorded
from mlsec_policy.schema_check import check_document
from tests.conftest import EXAMPLES, REPO, CliResult, write_tree

Cli = Callable[..., CliResult]
SCRIPT = REPO / "scripts" / "known_valid.py"
CONTROL = "controls/model-deployment/ACME-REG-01/control.yaml"


def _check() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )


def test_the_shipped_list_is_the_bundled_pack_as_it_is() -> None:
    check = _check()
    assert check.returncode == 0, check.stdout + check.stderr
    assert known_valid.KNOWN_VALID_FILE.read_text(encoding="utf-8") == recorded(
        ANALYZERS.listings()
    )
    assert len(known_valid.shipped_keys()) >= 100  # every control, the taxonomy, the pack


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the control files checked against the control schema."""
    checked: list[str] = []

    def counted(document: Any, schema: str, path: str, *args: Any, **kwargs: Any) -> Any:
        if schema == "control.schema.json":
            checked.append(path)
        return check_document(document, schema, path, *args, **kwargs)

    monkeypatch.setattr(loader, "check_document", counted)
    return checked


@pytest.mark.parametrize("cache", ["cold", "none"])
def test_a_scan_with_a_cold_cache_checks_no_bundled_control(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    checked = _counted(monkeypatch)
    write_tree(tmp_path / "repo", {"train.py": "import torch\n"})
    options = ["--no-cache"] if cache == "none" else ["--cache-dir", str(tmp_path / "cache")]
    result = cli("scan", str(tmp_path / "repo"), "-q", *options)
    assert result.code in (0, 1), result.err
    assert checked == []
    # without the list every control file is checked
    monkeypatch.setattr(known_valid, "shipped_keys", frozenset)
    result = cli("scan", str(tmp_path / "repo"), "-q", "--no-cache")
    assert result.code in (0, 1), result.err
    assert len(checked) >= 100


def test_validate_checks_every_file_whatever_the_list(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = _counted(monkeypatch)
    assert cli("validate").code == 0
    assert len(checked) >= 100


def test_a_file_whose_bytes_differ_from_the_listed_ones_is_checked(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(EXAMPLES / "custom-pack", pack)
    sources = ("builtin", str(pack))
    recorder = known_valid._Recorder()
    load_policy(sources, ANALYZERS.listings(), recorder)
    listed = frozenset(recorder.keys)  # the custom pack's control among them
    load_policy(sources, ANALYZERS.listings(), KnownValidMemo(None, listed))
    control = pack / CONTROL
    control.write_text(
        control.read_text().replace("severity: high", "severity: dire"), encoding="utf-8"
    )
    with pytest.raises(PolicyErrors) as raised:
        load_policy(sources, ANALYZERS.listings(), KnownValidMemo(None, listed))
    assert "ACME-REG-01/control.yaml:3:11: 'dire' is not allowed" in raised.value.diagnostics()


def test_a_stale_list_is_found_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    stale, shipped = tmp_path / "known_valid.txt", known_valid.KNOWN_VALID_FILE
    lines = shipped.read_text(encoding="utf-8").splitlines(keepends=True)
    stale.write_text("".join(lines[:-1]), encoding="utf-8")  # one key short
    spec = importlib.util.spec_from_file_location("known_valid_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "KNOWN_VALID_FILE", stale)
    assert script.main(["--check"]) == 1
    monkeypatch.setattr(script, "KNOWN_VALID_FILE", shipped)
    assert script.main(["--check"]) == 0
