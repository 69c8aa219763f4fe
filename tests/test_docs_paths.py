"""The documentation names only paths of this repository that exist.

Docs and READMEs point readers at scripts, tests, schemas and policies; when a module moves
(an analyzer becoming a package, a test moving under ``tests/analyzers/``) the pointer goes
stale without anyone noticing. Every ``src/``, ``tests/``, ``benchmarks/``, ``policies/`` or
``schemas/`` path named in ``README.md``, ``docs/*.md`` or the benchmark READMEs must exist.
Paths that belong to a *scanned* repository (quoted as evidence of a finding) are listed in
``FOREIGN`` with the document that quotes them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted(
    [
        ROOT / "README.md",
        ROOT / "benchmarks" / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "benchmarks").glob("*/README.md"),
        *(ROOT / "benchmarks").glob("*/RESULTS.md"),
    ]
)
_PATH = re.compile(
    r"(?<![\w./-])(?:src|tests|benchmarks|policies|schemas)/[A-Za-z0-9_.*/-]*[A-Za-z0-9_*/]"
)

# (document, path) pairs naming a file of another repository, not of this one.
FOREIGN = {
    ("benchmarks/README.md", "tests/test_modeling_common.py"),  # transformers (scan_speed.py)
    ("docs/rule-performance.md", "src/gradio_runner.py"),  # h2ogpt
    ("docs/precision-nbdeps.md", "src/axolotl/integrations/hatchery/examples/"),  # axolotl
    ("docs/precision-nbdeps.md", "benchmarks/multi-round-qa/requirements.txt"),  # production-stack
    ("benchmarks/realworld/README.md", "benchmarks/perf.json"),  # h2ogpt
    ("benchmarks/realworld/README.md", "src/gradio_runner.py"),  # h2ogpt
    ("benchmarks/secrets/RESULTS.md", "tests/integrations/test_swanlab.py"),  # a scanned repo
    ("docs/ci.md", "tests/fixtures/"),  # an example exclude list in a user's config
    ("docs/rule-performance.md", "tests/test_client_calls.py"),  # h2ogpt
    ("docs/rule-performance.md", "src/optimizing/Analyze_rule.ml"),  # semgrep's source
    ("benchmarks/README.md", "src/gen.py"),  # h2ogpt
    ("benchmarks/README.md", "src/gpt_langchain.py"),  # h2ogpt
    ("benchmarks/README.md", "src/gradio_runner.py"),  # h2ogpt
    ("benchmarks/README.md", "tests/test_client_calls.py"),  # h2ogpt
    ("benchmarks/README.md", "tests/test_tokenization_common.py"),  # transformers
    ("benchmarks/README.md", "src/model_utils.py"),  # h2ogpt
    ("docs/rule-performance.md", "tests/test_tokenization_common.py"),  # transformers
    ("docs/rule-performance.md", "tests/test_modeling_common.py"),  # transformers
    ("benchmarks/README.md", "src/transformers/cli/serving/server.py"),  # transformers
    ("benchmarks/README.md", "src/transformers/exporters/exporter_onnx.py"),  # transformers
    ("benchmarks/README.md", "src/transformers/modeling_utils.py"),  # transformers
    ("benchmarks/README.md", "src/transformers/trainer.py"),  # transformers
}


def named_paths(text: str) -> list[str]:
    """Every repository-relative path the text names, in order of appearance."""
    return [match.group(0) for match in _PATH.finditer(text)]


def _exists(path: str) -> bool:
    if "*" in path:
        return any(ROOT.glob(path.rstrip("/")))
    return (ROOT / path).exists()


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_named_path_exists(doc: Path) -> None:
    rel = doc.relative_to(ROOT).as_posix()
    missing = sorted(
        {
            path
            for path in named_paths(doc.read_text(encoding="utf-8"))
            if (rel, path) not in FOREIGN and not _exists(path)
        }
    )
    assert not missing, f"{rel} names paths that do not exist: {missing}"


def test_the_extractor_finds_paths_in_prose_and_code_spans() -> None:
    text = "see `tests/test_x.py`, then src/mlsec_policy/scan.py. Not examples/tests/x.py."
    assert named_paths(text) == ["tests/test_x.py", "src/mlsec_policy/scan.py"]


def test_foreign_paths_are_still_quoted() -> None:
    """An allowance whose quote was edited away is removed, so the list cannot grow stale."""
    for doc, path in sorted(FOREIGN):
        assert path in named_paths((ROOT / doc).read_text(encoding="utf-8")), (doc, path)
