"""``report render`` gives the scan's own bytes; ``report verify`` catches any edit."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.report import json_report
from mlsec_policy.report.formats import FORMATS
from mlsec_policy.report.integrity import content_digest
from mlsec_policy.report.verify import Verdict, verify, verify_parsed
from tests.conftest import CliResult, report_validator
from tests.support.reporting import EPOCH, RICH_FILES, make_repo, rich_report

EXTENSIONS = {
    "json": "json",
    "sarif": "sarif",
    "html": "html",
    "markdown": "md",
    "junit": "xml",
    "cdxa": "cdx.json",
}


def _outputs(folder: Path) -> list[str]:
    args = []
    for name in FORMATS:
        args += [f"--{name}-output", str(folder / f"report.{EXTENSIONS[name]}")]
    return args


@pytest.fixture
def scanned(tmp_path: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Scan a real repository with every output format; return the folder of reports."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    target = make_repo(tmp_path / "repo", RICH_FILES)
    out = tmp_path / "scan"
    result = cli("scan", str(target), *_outputs(out), "--markdown-max-chars", "3000")
    assert result.code == 3, result.out + result.err  # the oversized file: incomplete
    return out


def test_render_gives_the_scan_output_byte_for_byte(
    scanned: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    again = tmp_path / "again"
    result = cli(
        "report",
        "render",
        str(scanned / "report.json"),
        *_outputs(again),
        "--markdown-max-chars",
        "3000",
    )
    assert result.code == 0, result.out + result.err
    for name in FORMATS:
        file = f"report.{EXTENSIONS[name]}"
        assert (again / file).read_bytes() == (scanned / file).read_bytes(), name
    report_validator().validate(json.loads((scanned / "report.json").read_text()))


def test_every_format_survives_the_json_round_trip_with_waivers_and_attestations(
    tmp_path: Path,
) -> None:
    report = rich_report(tmp_path)
    rebuilt = json_report.load(json_report.render(report))
    assert rebuilt == report
    for name, render in FORMATS.items():
        assert render(rebuilt) == render(report), name


def test_render_without_outputs_prints_the_console_summary(
    scanned: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("report", "render", str(scanned / "report.json"), "--no-color")
    assert result.code == 0
    assert "Verdict: INCOMPLETE" in result.out and "MLSEC-LOAD-01" in result.out


def test_two_reports_cannot_share_standard_output(
    scanned: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli(
        "report",
        "render",
        str(scanned / "report.json"),
        "--html-output",
        "-",
        "--junit-output",
        "-",
    )
    assert result.code == 2 and "only one report" in result.err


def test_verify_says_intact(scanned: Path, cli: Callable[..., CliResult]) -> None:
    result = cli("report", "verify", str(scanned / "report.json"))
    assert result.code == 0, result.out + result.err
    assert result.out.rstrip().endswith(": intact")
    assert "FAIL" not in result.out


def test_verify_detects_a_one_character_change(
    scanned: Path, cli: Callable[..., CliResult]
) -> None:
    path = scanned / "report.json"
    text = path.read_text()
    match = re.search(r'"start_line": (\d)', text)
    assert match is not None
    digit = match.group(1)
    changed = text[: match.start(1)] + str((int(digit) + 1) % 10) + text[match.end(1) :]
    assert sum(a != b for a, b in zip(text, changed, strict=True)) == 1
    path.write_text(changed)
    result = cli("report", "verify", str(path))
    assert result.code == 1
    assert "FAIL  content digest" in result.out and result.out.rstrip().endswith(": altered")


def test_verify_detects_a_consistent_looking_edit_of_the_verdict(
    scanned: Path, cli: Callable[..., CliResult]
) -> None:
    path = scanned / "report.json"
    document = json.loads(path.read_text())
    document["summary"]["verdict"] = "pass"
    document["summary"]["exit_code"] = 0
    document["integrity"]["content_digest"] = content_digest(document)
    path.write_text(json.dumps(document, indent=2))
    result = cli("report", "verify", str(path))
    assert result.code == 1
    assert "ok    content digest" in result.out
    assert "FAIL  derived figures" in result.out


def test_reformatting_is_not_an_alteration(scanned: Path, cli: Callable[..., CliResult]) -> None:
    path = scanned / "report.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=None, sort_keys=True))
    assert cli("report", "verify", str(path)).code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"schema_version": "1.0",', "not JSON"),
        (b'{"hello": "world"}', "not an mlsec-policy report"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_verify_unreadable_exits_2(
    tmp_path: Path, cli: Callable[..., CliResult], content: bytes, message: str
) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(content)
    result = cli("report", "verify", str(path))
    assert result.code == 2 and message in result.err
    assert cli("report", "verify", str(tmp_path / "missing.json")).code == 2


def test_verify_compares_the_policy_packs_given(
    scanned: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    report = str(scanned / "report.json")
    same = cli("report", "verify", report, "--policy", "builtin")
    assert same.code == 0 and "ok    policy pack mlsec-baseline" in same.out
    other = tmp_path / "pack"
    (other / "controls").mkdir(parents=True)
    (other / "pack.yaml").write_text("name: other\nversion: 1.0.0\n")
    differs = cli("report", "verify", report, "--policy", str(other))
    assert differs.code == 1 and "FAIL  policy pack other" in differs.out


def test_render_refuses_an_altered_report_unless_told(
    scanned: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    path = scanned / "report.json"
    path.write_text(path.read_text().replace('"fail"', '"pass"', 1))
    target = tmp_path / "out.html"
    refused = cli("report", "render", str(path), "--html-output", str(target))
    assert refused.code == 2 and "does not verify" in refused.err and not target.exists()
    forced = cli("report", "render", str(path), "--html-output", str(target), "--allow-altered")
    assert forced.code == 0 and target.exists()


def test_verifying_a_parsed_report_gives_what_verifying_its_text_gives(scanned: Path) -> None:
    text = (scanned / "report.json").read_text(encoding="utf-8")
    altered = json.loads(text)
    altered["summary"]["verdict"] = "pass"
    documents: list[object] = [json.loads(text), altered, {"hello": "world"}, []]
    for document in documents:
        assert verify_parsed(document) == verify(json.dumps(document))
    assert verify_parsed(json.loads(text)).verdict is Verdict.INTACT
    assert verify_parsed(altered).verdict is Verdict.ALTERED
    assert verify_parsed([]).verdict is Verdict.UNREADABLE
