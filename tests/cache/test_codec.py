"""Results as JSON and back: every field survives, and a wrong shape is refused."""

from __future__ import annotations

import json

import pytest

from mlsec_policy.cache import CodecError, FileResults
from mlsec_policy.cache.codec import decode_results, encode_results
from mlsec_policy.models import (
    ArtifactKind,
    ErrorLevel,
    FlowStep,
    Hit,
    Location,
    NotebookCell,
    Observation,
    ScanError,
    Severity,
    SkippedFile,
)

RESULTS = FileResults(
    hits=(
        Hit(
            "MLSEC-X-01",
            "x-check",
            Observation(
                Location("nb/train.ipynb", 14, None, 15, None, NotebookCell(3, 2)),
                "pickle.load reads untrusted bytes",
                Severity.HIGH,
                "model = pickle.load(f)",
                "key-1",
                "group-1",
                (Location("src/a.py", 3, 1, 3, 9), Location("docs")),
                "model",
                (FlowStep(Location("settings.py", 2), "URL defined here"),),
            ),
        ),
        Hit("MLSEC-X-02", "y-check", Observation(Location("src/a.py"))),
    ),
    errors=(
        ScanError(
            "semgrep",
            "partial-parse",
            "could not parse line 4",
            "src/a.py",
            4,
            ("MLSEC-X-01",),
            ErrorLevel.WARNING,
            "fix the syntax",
        ),
    ),
    skipped=(
        SkippedFile("nb/train.ipynb", "cell 2 is not Python", ArtifactKind.NOTEBOOK, False, 9),
    ),
)


def test_results_round_trip_through_json() -> None:
    text = json.dumps(encode_results(RESULTS))
    assert decode_results(json.loads(text)) == RESULTS


@pytest.mark.parametrize(
    "broken",
    [
        [],
        {"hits": {}, "errors": [], "skipped": []},
        {"hits": [{"control": 1, "check": "c", "observation": {}}], "errors": [], "skipped": []},
        {"hits": [], "errors": [{"engine": "semgrep"}], "skipped": []},
        {"hits": [], "errors": [], "skipped": [{"path": "a", "reason": "r", "blocks": "no"}]},
    ],
)
def test_a_wrong_shape_is_refused(broken: object) -> None:
    with pytest.raises(CodecError):
        decode_results(broken)


def test_an_unknown_severity_or_kind_is_refused() -> None:
    data = json.loads(json.dumps(encode_results(RESULTS)))
    data["hits"][0]["observation"]["severity"] = "apocalyptic"
    with pytest.raises(CodecError):
        decode_results(data)
    data = json.loads(json.dumps(encode_results(RESULTS)))
    data["skipped"][0]["kind"] = "spreadsheet"
    with pytest.raises(CodecError):
        decode_results(data)
    data = json.loads(json.dumps(encode_results(RESULTS)))
    data["hits"][0]["observation"]["location"] = ["a.py", True, None, None, None, None]
    with pytest.raises(CodecError):
        decode_results(data)


def test_no_entry_holds_target_text_a_report_would_mask() -> None:
    token = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"
    seen = Observation(Location("app.py", 3), f"token {token}", None, f'KEY = "{token}"\x1b[2J')
    error = ScanError("semgrep", "parse", f"bad bytes near {token}", "app.py", hint=token)
    stored = json.dumps(encode_results(FileResults((Hit("MLSEC-X-01", "c", seen),), (error,))))
    assert token not in stored
    assert "\x1b" not in stored and "\\u001b" not in stored
    back = decode_results(json.loads(stored))
    assert token not in (back.hits[0].observation.snippet or "")
    assert token not in back.errors[0].message
