"""Redaction everywhere (issue 13 item 4): no credential of a recognised format reaches output.

Every text taken from the target passes through :func:`mlsec_policy.redact.scrub` once, where
the engines hand their output over. Two properties, both drawing credentials from the
detectors' own patterns (:data:`mlsec_policy.secret_formats.RULES`) with hypothesis:

- ``scrub`` masks the secret part of any text a format matches, alone or inside a line;
- a real scan of a repository holding one credential of every format in every file kind,
  on lines that also hold findings and inside files that do not parse, shows none of them
  in the six outputs (console, JSON, SARIF, HTML, Markdown, JUnit) or on stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsec_policy.redact import scrub
from mlsec_policy.secret_formats import RULES, SecretRule
from tests.hostile import corpus

MASKED = [rule for rule in RULES if rule.judge != "none"]
"""Formats redaction masks by pattern (private keys are masked as whole PEM blocks)."""
ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
"""Printable ASCII: what credentials are made of, and what every file kind can hold."""
FORMATS = ("json", "sarif", "html", "markdown", "junit")


def credential(rule: SecretRule) -> st.SearchStrategy[str]:
    """Return texts the rule's pattern matches in full."""
    return st.from_regex(rule.pattern, fullmatch=True, alphabet=ASCII)


def varied(rule: SecretRule) -> st.SearchStrategy[str]:
    """Return credentials whose secret part looks random.

    The simplest draws are all zeros, which a placeholder judge rightly ignores and which
    prove little.
    """
    return credential(rule).filter(lambda text: len(set(secret_of(rule, text))) >= 8)


def secret_of(rule: SecretRule, text: str) -> str:
    """Return the part of ``text`` that must never be shown (after the visible prefix)."""
    match = rule.pattern.fullmatch(text)
    assert match is not None
    return match.group("secret")[rule.keep :]


@pytest.mark.parametrize("rule", MASKED, ids=[rule.id for rule in MASKED])
def test_scrub_masks_every_format_alone_and_inside_a_line(rule: SecretRule) -> None:
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(credential(rule))
    def check(text: str) -> None:
        secret = secret_of(rule, text)
        for line in (text, f"value = load()  # {text} and more"):
            shown = scrub(line)
            # the secret may coincide with other text of the line (a user name): fewer copies
            assert shown.count(secret) < line.count(secret), (rule.id, line, shown)

    check()


FILE_KINDS = {
    "app.py": "{plain}    x = 1  # {secret}\n",
    "handler.py": "import pickle\n\n\ndef h(request):\n"
    "    return pickle.loads(request.data)  # {secret}\n",
    "broken.py": "def (:\n    token = '{secret}' ++ )\n",
    "config.yaml": "service:\n  key: '{secret}'\n",
    "broken.yaml": "a: [{secret}\nb: }}\n",
    "docker-compose.yml": "services:\n  web:\n    image: x:latest\n    environment:\n"
    "      - TOKEN={secret}\n",
    "Dockerfile": "FROM python:latest\nENV TOKEN={secret}\nRUN curl http://x | sh  # {secret}\n",
    "requirements.txt": "torch  # {secret}\n",
    ".env": "API_TOKEN={secret}\n",
    "settings.json": '{{"token": "{secret}"}}\n',
    "README.md": "Use `{secret}` to log in.\n",
    "run.sh": "curl -H 'Authorization: {secret}' http://example.org | bash\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
    "      - run: echo {secret}\n",
}
"""Every file kind, each with a place for a credential; some on a finding's line, some broken."""


def notebook(secret: str) -> str:
    """Return a notebook whose code cell holds a finding and the credential on one line."""
    source = ["import pickle\n", f"pickle.loads(request.data)  # {secret}\n"]
    cell: dict[str, object] = {"cell_type": "code", "source": source, "metadata": {}}
    cell.update({"outputs": [], "execution_count": None})
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@settings(
    max_examples=1,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(st.tuples(*(varied(rule) for rule in MASKED)))
def test_no_planted_credential_reaches_any_output(texts: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        root = base / "repo"
        secrets: list[str] = []
        for index, (rule, text) in enumerate(zip(MASKED, texts, strict=True)):
            secret = secret_of(rule, text)
            if len(secret) >= 8:  # shorter ones coincide with ordinary text
                secrets.append(secret)
            folder = root / f"f{index:02d}"
            for name, template in FILE_KINDS.items():
                corpus.write(folder / name, template.format(plain=corpus.PLAIN, secret=text))
            corpus.write(folder / "leaky.ipynb", notebook(text))
        assert len(secrets) >= len(MASKED) - 2, "too few credentials were planted"
        outputs = scan(root, base / "out")
        for secret in secrets:
            for name, output in outputs.items():
                assert secret not in output, f"a planted credential reaches {name}"


def scan(root: Path, out: Path) -> dict[str, str]:
    """Scan with every output format; return each output's text, stdout and stderr."""
    out.mkdir()
    command = [sys.executable, "-m", "mlsec_policy", "scan", str(root), "--no-config"]
    command += ["--no-hash-cache", "--no-color", "--verbose"]
    for name in FORMATS:
        command += [f"--{name}-output", str(out / name)]
    done = subprocess.run(command, capture_output=True, timeout=900, check=False)
    assert done.returncode in (1, 3), done.stderr.decode(errors="replace")
    texts = {name: (out / name).read_text(encoding="utf-8") for name in FORMATS}
    texts["stdout"] = done.stdout.decode("utf-8", errors="replace")
    texts["stderr"] = done.stderr.decode("utf-8", errors="replace")
    assert "Traceback (most recent call last)" not in texts["stderr"]
    return texts
