"""Hub ids a configuration hands to an unpinned loading helper (MLSEC-HUB-02).

Real scans of the control's own fixtures (real semgrep, real files): the native check
``hub-id-from-config-via-helper`` reports the ``from_pretrained`` of a helper's parameter at the
load and links it to the call that reads the configuration (JSON flow, SARIF relatedLocations
validated against the 2.1.0 schema); a helper no configuration feeds, one that offers a
revision or keyword options, and a configured value given to another parameter are not
reported. The analyzer itself is also run on files written here, for the shapes the fixtures
do not hold (a file that does not parse, a starred argument).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.analyzers.base import FileContext, FileSkipped
from mlsec_policy.analyzers.params import NoParams
from mlsec_policy.analyzers.pycode.downloads import plaintext_download_origins
from mlsec_policy.analyzers.pycode.endpoints import plaintext_endpoint_origins
from mlsec_policy.analyzers.pycode.hub_helpers import hub_id_through_helper
from mlsec_policy.models import Artifact, ArtifactKind
from tests.conftest import REPO, scan_validated

HUB = REPO / "policies/controls/model-storage/MLSEC-HUB-02/tests"
CHECK = "hub-id-from-config-via-helper"


def _steps(data: dict[str, Any]) -> dict[int, list[tuple[str, int, str]]]:
    return {
        f["location"]["start_line"]: [
            (s["location"]["path"], s["location"]["start_line"], s["message"]) for s in f["flow"]
        ]
        for r in data["results"]
        for f in r["findings"]
        if f["check_id"] == CHECK
    }


def test_a_configured_id_passed_to_a_helper_is_reported_at_the_load_and_linked(
    tmp_path: Path,
) -> None:
    data, sarif = scan_validated(HUB / "fail-config-helper", tmp_path / "r")
    assert _steps(data) == {
        16: [
            (
                "inference.py",
                8,
                "the id is read from flavor_config.get('source_model_name') and passed to "
                "stopping_criteria()",
            )
        ],
        22: [
            (
                "inference.py",
                32,
                "the id is read from run_cfg['base_model'] and passed to load_base()",
            )
        ],
        27: [
            (
                "inference.py",
                33,
                "the id is read from run_cfg.tokenizer and passed to load_tokenizer()",
            )
        ],
    }
    linked = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]: [
            p["physicalLocation"]["region"]["startLine"] for p in r["relatedLocations"]
        ]
        for r in sarif["runs"][0]["results"]
        if r["properties"]["checkId"] == CHECK
    }
    assert linked == {16: [8], 22: [32], 27: [33]}


def test_pinned_optioned_unfed_and_misplaced_helpers_give_nothing(tmp_path: Path) -> None:
    data, _ = scan_validated(HUB / "pass-config-helper", tmp_path / "r")
    assert _steps(data) == {}


def _run(tmp_path: Path, source: str) -> list[int]:
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    artifact = Artifact(path="m.py", kind=ArtifactKind.PYTHON, size=len(source))
    context = FileContext(root=tmp_path, artifact=artifact, listing=(artifact,))
    return [o.location.start_line or 0 for o in hub_id_through_helper(context, NoParams())]


def test_a_starred_argument_hides_the_position_and_each_load_is_reported_once(
    tmp_path: Path,
) -> None:
    source = (
        "def load(name):\n"
        "    return Auto.from_pretrained(name)\n"
        "def a(cfg, rest):\n"
        "    load(*rest)\n"
        "    load(cfg['x'])\n"
        "    load(cfg.get('y'))\n"
    )
    assert _run(tmp_path, source) == [2]
    assert _run(tmp_path, source.replace("    load(cfg['x'])\n    load(cfg.get('y'))\n", "")) == []


def test_a_file_that_does_not_parse_is_skipped_not_passed(tmp_path: Path) -> None:
    with pytest.raises(FileSkipped):
        _run(tmp_path, "def load(name:\n    x.from_pretrained(name)\n")


def test_the_python_analyzers_of_one_file_parse_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The download, endpoint and hub-helper analyzers share the file's tree (one parse)."""
    (tmp_path / "load.py").write_text(
        "import requests\nfrom transformers import AutoModel\n"
        "def fetch(url='http://data.example.com/x.csv'):\n    return requests.get(url)\n"
        "def load(name):\n    return AutoModel.from_pretrained(name)\n"
        "load(config['model'])\n",
        encoding="utf-8",
    )
    artifact = Artifact("load.py", ArtifactKind.PYTHON, 1)
    analyzers = (plaintext_download_origins, plaintext_endpoint_origins, hub_id_through_helper)

    def observed(memo: dict[Any, Any] | None) -> list[list[tuple[str, int | None]]]:
        context = FileContext(root=tmp_path, artifact=artifact, listing=(artifact,), memo=memo)
        return [
            [(o.message or "", o.location.start_line) for o in analyze(context, NoParams())]
            for analyze in analyzers
        ]

    alone = observed(None)
    assert alone[0] and alone[2], "a download and a helper load are reported"
    real = ast.parse
    parses: list[object] = []

    def counting(source: Any, *args: Any, **kwargs: Any) -> Any:
        parses.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting)
    assert observed({}) == alone, "the same observations from the shared tree"
    assert len(parses) == 1, "one parse for the three analyzers"
