"""The diff scan's word index decides each rule on each file as ``may_match`` does.

:func:`mlsec_policy.firstmatch.semgrep_words` keeps, per file, whether each word it looked for
holds, and answers every later question about the file from it: a word shared by several rules,
or asked for again by the first-match search after ``by_words`` (both in
``diffrun.run_split``), is looked for once. Real fixture files of the pack and every Python
rule: one index asked rule after rule, in two rounds, gives each rule's own ``may_match``
answer on every file (each word looked for by itself, as ``may_match`` did before runs of words
were searched at once).
"""

from __future__ import annotations

from pathlib import Path

from mlsec_policy import firstmatch
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep.prefilter import formula, located_words, may_match, word_test
from mlsec_policy.engines.semgrep.target import Target, read_scanned
from mlsec_policy.engines.semgrep.wordformula import holds_by
from mlsec_policy.models import Artifact, ArtifactKind
from mlsec_policy.policy import SemgrepCheck, load_policy
from mlsec_policy.views import ViewError
from mlsec_policy.views.targets import view_for

ROOT = Path(__file__).parents[1]
FIXTURES = sorted(
    p.relative_to(ROOT).as_posix() for p in (ROOT / "policies").glob("controls/**/tests/**/*.py")
)


def _python_checks() -> list[SemgrepCheck]:
    policy = load_policy(("builtin",), ANALYZERS)
    return [c for c in policy.checks(SemgrepCheck) if ArtifactKind.PYTHON in c.kinds]


def _scanned(artifact: Artifact) -> bytes | None:
    """Return the text semgrep scans (None: it cannot be read, and the file is kept)."""
    try:
        view = view_for(artifact, ROOT)
    except (ViewError, OSError, UnicodeDecodeError):
        return None
    return read_scanned(Target(artifact, artifact.path, view), ROOT)


def test_the_index_answers_as_may_match_on_every_fixture() -> None:
    checks = _python_checks()
    assert len(FIXTURES) > 100 and len(checks) > 20
    artifacts = [Artifact(path, ArtifactKind.PYTHON, 0) for path in FIXTURES]
    keep = firstmatch.semgrep_words(ROOT)
    needs = {c.id: word_test(formula(c.rule)) for c in checks}
    texts = {a.path: _scanned(a) for a in artifacts}
    expected = {
        # each word looked for alone (no runs of words searched at once)
        (c.id, path): text is None or holds_by(needs[c.id], located_words(text))
        for c in checks
        for path, text in texts.items()
    }
    assert any(expected.values()) and not all(expected.values())
    # the word test's formula holds wherever the gate's does, and it is asked for less
    for check in checks:
        for path, text in texts.items():
            if text is not None and may_match(formula(check.rule), text):
                assert expected[check.id, path], (check.id, path)
    for _round in range(2):  # the second round is answered from the index alone
        for artifact in artifacts:
            for check in checks:
                assert keep([check], artifact) == expected[check.id, artifact.path], (
                    check.id,
                    artifact.path,
                )
    together = {a.path: any(expected[c.id, a.path] for c in checks) for a in artifacts}
    assert {a.path: keep(checks, a) for a in artifacts} == together


def test_a_word_looked_for_is_not_looked_for_again(tmp_path: Path) -> None:
    """The second question about a file reads it only for words not yet looked for."""
    checks = {c.id: c for c in _python_checks()}
    body = checks["raw-request-body"]
    source = ROOT / "policies/controls/model-deployment/MLSEC-SERVE-02/tests/fail/api.py"
    (tmp_path / "api.py").write_bytes(source.read_bytes())
    artifact = Artifact("api.py", ArtifactKind.PYTHON, 0)
    keep = firstmatch.semgrep_words(tmp_path)
    assert keep([body], artifact)
    (tmp_path / "api.py").write_text("x = 1\n")
    assert keep([body], artifact)  # answered from the index: the file was not read again
    fresh = firstmatch.semgrep_words(tmp_path)
    assert not fresh([body], artifact)
