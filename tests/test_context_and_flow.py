"""Risk codes that follow what the code handles, and findings that carry their data flow.

One real scan (real semgrep, real files) of a tree where the same unpickling call reads data
in three phrasings and a model in three, once with nothing to tell, and where downloads use a
URL from a module constant and from a parameter default. Every format is checked: JSON (the
schema), SARIF (the 2.1.0 schema), console, Markdown and HTML.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.analyzers.patterns import context
from mlsec_policy.report import json_report, summary
from tests.conftest import REPO, write_tree
from tests.support.scans import html_trails, scan_to

DATA = ("R5-Security", "R6-Security", "R7-Security")
MODEL = ("R11-Security", "R12-Security", "R13-Security")
LOAD_02 = ("R11-Security", "R13-Security", "R19-Security")
"""MLSEC-LOAD-02's own risk codes (the fallback)."""

LOADERS = """\
import pickle


def read_one(handle):
    return pickle.load(open("cache/train_features.pkl", "rb"))


def read_two(handle):
    dataset = pickle.load(handle)
    return dataset


def load_dataset_cache(handle):
    return pickle.load(handle)


def read_three(handle):
    return pickle.load(open("checkpoints/best.ckpt", "rb"))


def read_four(handle):
    model = pickle.load(handle)
    return model


def restore_checkpoint(handle):
    return pickle.load(handle)


def read_anything(handle):
    return pickle.load(handle)
"""
CONTEXTS = {
    5: ("data", DATA, "data-storage"),
    9: ("data", DATA, "data-storage"),
    14: ("data", DATA, "data-storage"),
    18: ("model", MODEL, None),
    22: ("model", MODEL, None),
    27: ("model", MODEL, None),
    31: (None, (), None),
}
"""Line of each unpickling call: the context, risk codes and phase its finding must carry."""

FETCH = """\
import urllib.request

from settings import REMOTE

MIRROR = "http://mirror.example.com/corpus.csv"


def fetch_mirror():
    urllib.request.urlretrieve(MIRROR, "corpus.csv")


def fetch_default(url="http://weights.example.org/model.bin"):
    urllib.request.urlretrieve(url, "model.bin")


def fetch_inline():
    urllib.request.urlretrieve("http://inline.example.net/x.csv", "x.csv")
"""
FORMATS = ("json", "sarif", "markdown", "html")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Scan the tree once and return every format's text (and the JSON document)."""
    tmp = tmp_path_factory.mktemp("flow")
    root = write_tree(tmp / "repo", {"loaders.py": LOADERS, "fetch.py": FETCH})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        return scan_to(root, tmp / "report", FORMATS)


def _findings(data: dict[str, Any], check_id: str, path: str) -> dict[int, dict[str, Any]]:
    return {
        f["location"]["start_line"]: f
        for r in data["results"]
        for f in r["findings"]
        if f["check_id"] == check_id and f["location"]["path"] == path
    }


def test_the_same_call_gets_the_risk_codes_of_what_it_loads(scanned: dict[str, Any]) -> None:
    found = _findings(scanned["data"], "pickle-family-load", "loaders.py")
    assert sorted(found) == sorted(CONTEXTS)
    for line, (kind, risks, phase) in CONTEXTS.items():
        assert (found[line]["context"], tuple(found[line]["risks"]), found[line]["phase"]) == (
            kind,
            risks,
            phase,
        ), line


def test_per_phase_and_per_risk_use_the_findings_values(scanned: dict[str, Any]) -> None:
    report = json_report.load(scanned["json"])
    phases = {p.id: p for p in summary.phases(report)}
    in_data = {r.control.id: r for r in phases["data-storage"].results}
    in_model = {r.control.id: r for r in phases["model-storage"].results}
    assert {f.location.start_line for f in in_data["MLSEC-LOAD-02"].findings} == {5, 9, 14}
    assert {f.location.start_line for f in in_model["MLSEC-LOAD-02"].findings} == {18, 22, 27, 31}
    result = next(r for r in report.results if r.control.id == "MLSEC-LOAD-02")
    for risk in (*DATA, *MODEL, *LOAD_02):
        assert summary.risk_status(result, risk) is not None and (
            summary.risk_status(result, risk).value == "fail"  # type: ignore[union-attr]
        ), risk
    assert summary.risk_status(result, "R1-Security") is None
    json_phases = {p["id"]: p for p in scanned["data"]["summary"]["phases"]}
    assert "MLSEC-LOAD-02" in json_phases["data-storage"]["controls"]
    sarif = json.loads(scanned["sarif"])
    placed = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]: r["properties"]
        for r in sarif["runs"][0]["results"]
        if r["properties"]["checkId"] == "pickle-family-load"
    }
    assert placed[5]["phase"] == "data-storage" and placed[5]["risks"] == list(DATA)
    assert placed[31]["phase"] == "model-storage" and "risks" not in placed[31]


def test_a_control_with_only_data_findings_passes_its_model_risks(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"cache.py": LOADERS.split("def read_three")[0]})
    report = json_report.load(scan_to(root, tmp_path / "r", ("json",))["json"])
    result = next(r for r in report.results if r.control.id == "MLSEC-LOAD-02")
    assert summary.risk_status(result, "R7-Security").value == "fail"  # type: ignore[union-attr]
    assert summary.risk_status(result, "R11-Security").value == "pass"  # type: ignore[union-attr]
    placed = summary.placed(result)
    assert set(placed) == {"data-storage"}


def test_a_url_constant_and_a_default_are_steps_of_the_flow(scanned: dict[str, Any]) -> None:
    found = _findings(scanned["data"], "plaintext-download-python", "fetch.py")
    assert [(s["location"]["start_line"], s["message"]) for s in found[9]["flow"]] == [
        (5, "URL defined here")
    ]
    assert found[17]["flow"] == []
    hashes = _findings(scanned["data"], "download-without-hash", "fetch.py")
    assert [(s["location"]["start_line"], s["message"]) for s in hashes[13]["flow"]] == [
        (12, "URL given as the default of parameter 'url'")
    ]


def test_every_format_shows_the_flow(scanned: dict[str, Any]) -> None:
    sarif = json.loads(scanned["sarif"])
    result = next(
        r
        for r in sarif["runs"][0]["results"]
        if r["properties"]["checkId"] == "plaintext-download-python"
        and r["locations"][0]["physicalLocation"]["region"]["startLine"] == 9
    )
    related = result["relatedLocations"]
    assert [
        (p["physicalLocation"]["region"]["startLine"], p["message"]["text"]) for p in related
    ] == [(5, "URL defined here")]
    thread = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["location"]["physicalLocation"]["region"]["startLine"] for s in thread] == [5, 9]
    for name in ("console", "markdown", "html"):
        assert "via fetch.py:5 (URL defined here)" in scanned[name], name
        assert "handles data in data-storage: R5-Security" in scanned[name], name


def test_flow_leaves_fingerprints_alone(scanned: dict[str, Any]) -> None:
    """A finding with a flow has the fingerprint its check, file and line alone give."""
    from mlsec_policy.fingerprint import stable_fingerprint

    found = _findings(scanned["data"], "plaintext-download-python", "fetch.py")[9]
    line = FETCH.splitlines()[8]
    assert found["fingerprint"] == stable_fingerprint(
        "plaintext-download-python", "fetch.py", line, 1
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pd.read_pickle(path)", "data"),
        ("model.load_state_dict(state)", "model"),
        ("pickle.loads(request.data)", "request"),
        ('torch.load("cache/features.pt")', "data"),
        ('torch.load("best.pt")', "model"),
        ('np.load("x.npy", allow_pickle=True)', "data"),
        ("obj = pickle.load(handle)", None),
        ("urllib.request.urlopen(source)", None),
        ("features = pickle.load(model_file)", None),
    ],
)
def test_the_word_table(text: str, expected: str | None) -> None:
    assert context.of_text(text) == expected


ELSEWHERE = REPO / "policies/controls/data-collection/MLSEC-FETCH-01/tests/fail-elsewhere"
"""The fixture of a URL written in another module, in a config file and as a default."""


def _step(step: dict[str, Any]) -> tuple[str, int, str]:
    return step["location"]["path"], step["location"]["start_line"], step["message"]


def test_a_url_from_another_module_a_config_key_and_a_default(tmp_path: Path) -> None:
    written = scan_to(ELSEWHERE, tmp_path / "r", ("json", "sarif"))
    data = written["data"]
    found = _findings(data, "plaintext-download-origin", "pipeline/fetch.py")
    steps = {
        line: [
            (s["location"]["path"], s["location"]["start_line"], s["message"]) for s in f["flow"]
        ]
        for line, f in found.items()
    }
    assert steps == {
        12: [("settings.py", 3, "URL defined here"), ("pipeline/fetch.py", 8, "imported here")],
        16: [("settings.py", 4, "URL defined here"), ("pipeline/fetch.py", 7, "imported here")],
        22: [("config.yaml", 2, "config key 'labels_url' set here")],
        26: [("pipeline/fetch.py", 25, "URL given as the default of parameter 'url'")],
    }
    contexts = {line: (f["context"], f["phase"]) for line, f in found.items()}
    assert contexts == {
        12: (None, None),  # the corpus is data: the control's own codes and phase
        16: ("model", "model-storage"),  # the native analyzer tells a model's weights
        22: (None, None),
        26: (None, None),
    }
    sarif = json.loads(written["sarif"])
    linked = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]: [
            p["physicalLocation"]["artifactLocation"]["uri"] for p in r["relatedLocations"]
        ]
        for r in sarif["runs"][0]["results"]
        if r["properties"]["checkId"] == "plaintext-download-origin"
    }
    assert linked[12] == ["settings.py", "pipeline/fetch.py"]
    assert linked[22] == ["config.yaml"]
    via = "via settings.py:3 (URL defined here), pipeline/fetch.py:8 (imported here)"
    assert via in written["console"]


def test_the_html_report_shows_the_flow_in_a_real_browser(
    scanned: dict[str, Any], tmp_path: Path
) -> None:
    notes = html_trails(scanned["html"], tmp_path)
    assert "via fetch.py:5 (URL defined here)" in notes
    assert "handles a model: R11-Security, R12-Security, R13-Security" in notes
