"""A file is read once per scan however many native checks look at it; YAML is read by libyaml.

Fifteen Kubernetes and container checks read every manifest; each used to parse it again with
the pure-Python YAML reader, which cost kuberay's scan about four CPU-minutes. The analyzers of
one file now share what was read (the memo is dropped before the next file), and YAML is
composed by libyaml when PyYAML has it, with the pure-Python reader deciding on failures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from mlsec_policy import yamlpos
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.read import yamldoc
from mlsec_policy.models import ControlStatus
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import Policy, load_policy
from mlsec_policy.policytest import PINNED_EPOCH
from mlsec_policy.scan import scan
from tests.conftest import write_tree

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: api
          image: example/api:latest
          command: ["sh", "-c", "curl -fsSL https://get.example.com | sh"]
          securityContext: {privileged: true}
"""

READERS = (
    "MLSEC-K8S-01",
    "MLSEC-K8S-02",
    "MLSEC-K8S-03",
    "MLSEC-K8S-04",
    "MLSEC-CONT-02",
    "MLSEC-CONT-03",
    "MLSEC-CONT-04",
)
"""Controls whose native checks all read Kubernetes manifests."""


@pytest.fixture(scope="module")
def readers() -> Policy:
    policy = load_policy(("builtin",), ANALYZERS)
    return replace(policy, controls=tuple(policy.control(c) for c in READERS))


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the text of every YAML parse the analyzers' document reader asks for."""
    texts: list[str] = []
    real: Callable[..., list[yamlpos.Document]] = yamlpos.load_documents

    def spy(text: str, **options: bool) -> list[yamlpos.Document]:
        texts.append(text)
        return real(text, **options)

    monkeypatch.setattr(yamldoc, "load_documents", spy)
    return texts


def test_a_manifest_read_by_many_checks_is_parsed_once(
    readers: Policy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path, {"deploy/api.yaml": MANIFEST, "deploy/other.yaml": MANIFEST})
    parses = count_parses(monkeypatch)
    report = scan(ScanOptions(target=root, source_date_epoch=PINNED_EPOCH), readers)
    assert len(parses) == 2, "once per file, not once per check"
    statuses = {r.control.id: r.status for r in report.results}
    assert statuses == dict.fromkeys(READERS, ControlStatus.FAIL)
    lines = {
        r.control.id: sorted({f.location.start_line or 0 for f in r.findings})
        for r in report.results
    }
    assert lines["MLSEC-K8S-01"] == [13] and lines["MLSEC-K8S-02"] == [8]
    assert lines["MLSEC-CONT-04"] == [12]


def test_an_unreadable_manifest_is_an_error_for_every_check_that_reads_it(
    readers: Policy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = MANIFEST.replace("      containers:", "     containers:")
    root = write_tree(tmp_path, {"deploy/api.yaml": broken})
    parses = count_parses(monkeypatch)
    report = scan(ScanOptions(target=root, source_date_epoch=PINNED_EPOCH), readers)
    assert len(parses) == 1
    for result in report.results:
        assert result.status is ControlStatus.ERROR, result.control.id
        assert {e.kind for e in result.errors} == {"parse-error"}
        assert all(e.path == "deploy/api.yaml" and e.line for e in result.errors)


DOCUMENTS = [
    "a: 1\nb: [x, {y: 2}]\n",
    "base: &base {cpu: 1, memory: 2Gi}\nlimits:\n  <<: *base\n  gpu: 1\n",
    "---\nkind: A\n---\nkind: B\n...\n",
    "when: 2024-01-02\non: push\nyes_no: yes\nbig: 0x1F\nnote: 'caf\u00e9 \u2603'\n",
    "Bucket: !Ref ModelBucket\nlist: !reference [.setup, script]\n",
    "script: |\n  echo one\n  echo two\nfolded: >\n  a\n  b\n",
    "caf\u00e9: {\u2603: 1, b: 2}\nx:\n  - \u00e9\u00e9: [1, {k: v}]\n",
    "\ufeffa: 1\r\nb:\r\n  c: [1, 2]\r\n",
    "k: v\n\n\n# note\n---\nz: 1\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_libyaml_reads_the_same_documents_and_positions(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if yamlpos.FAST_LOADER is None:
        pytest.skip("PyYAML was built without libyaml")
    fast = yamlpos.load_documents(text)
    monkeypatch.setattr(yamlpos, "FAST_LOADER", None)
    slow = yamlpos.load_documents(text)
    assert [(d.data, d.positions, d.start_line) for d in fast] == [
        (d.data, d.positions, d.start_line) for d in slow
    ]


@pytest.mark.parametrize(
    "text", ["a: [1, 2\nb: 3\n", "key: value\n  bad: indent\n", "- a\nb: c\n", "{{ x }}: 1\n"]
)
def test_a_file_libyaml_refuses_gets_the_python_readers_message(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(yamlpos.YamlError) as fast:
        yamlpos.load_documents(text)
    monkeypatch.setattr(yamlpos, "FAST_LOADER", None)
    with pytest.raises(yamlpos.YamlError) as slow:
        yamlpos.load_documents(text)
    assert (fast.value.message, fast.value.line, fast.value.column) == (
        slow.value.message,
        slow.value.line,
        slow.value.column,
    )
