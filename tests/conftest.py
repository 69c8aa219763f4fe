"""Shared test helpers: real files in temporary trees, the real CLI, the real schemas."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mlsec_policy.cli import run
from mlsec_policy.models import Report
from mlsec_policy.report import json_report

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"
EXAMPLES = REPO / "examples"


@dataclass(frozen=True)
class CliResult:
    """What one command-line run produced."""

    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _private_hash_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the digest cache of CLI scans out of the user's cache folder."""
    monkeypatch.setenv("MLSEC_POLICY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> content) under ``root`` and return root."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run the real command line in-process and capture what it printed."""

    def invoke(*args: str) -> CliResult:
        code = run(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


def run_subprocess(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> CliResult:
    """Run ``python -m mlsec_policy`` in a child process (the way users run it)."""
    process = subprocess.run(
        [sys.executable, "-m", "mlsec_policy", *args],
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        check=False,
    )
    return CliResult(process.returncode, process.stdout, process.stderr)


def commit_all(repo: Any, message: str) -> None:
    """Stage everything in a gitpython ``Repo`` and commit it as a test author."""
    import git

    repo.git.add(A=True)
    repo.index.commit(message, author=git.Actor("t", "t@example.org"))


def load_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def report_validator() -> jsonschema.protocols.Validator:
    """Return a validator for our JSON report schema."""
    schema = load_json(SCHEMAS / "report.schema.json")
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def sarif_validator() -> jsonschema.protocols.Validator:
    """Return a validator for the official SARIF 2.1.0 schema we ship."""
    schema = load_json(SCHEMAS / "third_party" / "sarif-schema-2.1.0.json")
    return jsonschema.Draft4Validator(schema)


def scan_validated(target: Path, out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Scan TARGET with the real CLI into ``OUT.json`` and ``OUT.sarif``, both validated.

    Return the JSON report and the SARIF log; a scan that errs (exit 2 or 3) fails the test.
    """
    from click.testing import CliRunner

    from mlsec_policy.cli import cli

    args = ["scan", str(target), "--no-cache"]
    args += ["--json-output", f"{out}.json", "--sarif-output", f"{out}.sarif"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    data = load_json(Path(f"{out}.json"))
    report_validator().validate(data)
    sarif = load_json(Path(f"{out}.sarif"))
    sarif_validator().validate(sarif)
    return data, sarif


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Return a real scan covering every control status (``support/reporting.py``), per module."""
    from tests.support.reporting import rich_report

    return rich_report(tmp_path_factory.mktemp("rich"))


@pytest.fixture(scope="module")
def rich_data(rich: Report) -> dict[str, Any]:
    """Return the JSON report document of :func:`rich`."""
    return json_report.to_document(rich)
