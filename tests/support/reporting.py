"""Real reports for the rendering tests: real repositories, real git, the real scan.

``rich_report`` covers every control status: a failing PyTorch load, a file too large to
check (error), a security policy (pass), an attestation given (attested) and one missing
(needs-attestation), a control whose artifacts are absent (not-applicable) — from a small
extra policy pack — and a waiver applied to a real finding the way evaluation records it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import git

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.models import (
    Attestation,
    ControlResult,
    ControlStatus,
    Report,
    Severity,
    Suppression,
)
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import load_policy
from mlsec_policy.policy.catalogue import phase_coverage
from mlsec_policy.scan import scan
from tests.conftest import write_tree

EPOCH = 1767225600
REMOTE = "git@github.com:acme/ml-app.git"
HOSTILE = "<script>alert('x')</script> & \"quotes\" | pipes * stars"

RICH_FILES: dict[str, str | bytes] = {
    "train.py": (
        "import torch\n\n\ndef load(path):\n    return torch.load(path)  # loads a pickle\n"
    ),
    "serving/big_module.py": "x = 1\n" * 400_000,
    "Dockerfile": 'FROM python:3.11-slim\nCOPY . /app\nCMD ["python", "/app/serve.py"]\n',
    "SECURITY.md": "Report vulnerabilities privately to security@example.com, never in issues.\n",
    "README.md": "# ml-app\n",
}

EXTRA_PACK: dict[str, str | bytes] = {
    "pack.yaml": "name: acme-extra\nversion: 1.0.0\nextends: [builtin]\n",
    "controls/data-collection/ACME-CONSENT-01/control.yaml": """\
id: ACME-CONSENT-01
title: Data subjects consented to collection
severity: high
phase: data-collection
risks: [R1-Privacy]
requirements: [DS1]
rationale: >
  Collecting personal data without consent breaks the law in most places; no file proves it.
remediation: >
  Record who confirmed consent for each source, with the consent records as evidence.
fix: Record an attestation linking the consent records.
checks:
  - id: acme-consent-attested
    engine: attestation
    evidence: A link to the consent records of every data source
""",
    "controls/model-training/ACME-NB-01/control.yaml": """\
id: ACME-NB-01
title: Notebooks do not call eval
severity: low
phase: model-training
risks: [R10-Security]
requirements: [MS1]
rationale: >
  eval in a notebook runs whatever text reaches it.
remediation: >
  Parse values with a real parser instead of eval.
fix: Replace eval with ast.literal_eval or a parser.
applies-to: [notebook]
checks:
  - id: acme-nb-eval
    engine: semgrep
    mode: violation
    kinds: [notebook]
    message: eval runs arbitrary text
    rule:
      languages: [python]
      pattern: eval(...)
""",
}


def shown(counts: dict[str, int]) -> list[str]:
    """Return the statuses a report's tables show (the optional ones only when present)."""
    return [s for s, n in counts.items() if s not in ("baselined", "not-evaluated") or n]


def make_repo(root: Path, files: dict[str, str | bytes], remote: str | None = REMOTE) -> Path:
    """Write ``files`` into a fresh git repository with one commit (and a remote)."""
    write_tree(root, files)
    repo = git.Repo.init(root)
    repo.index.add(sorted(files))
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test")
        config.set_value("user", "email", "test@example.com")
    repo.index.commit("first")
    if remote:
        repo.create_remote("origin", remote)
    return root


def rich_report(tmp: Path) -> Report:
    """Scan the rich repository with the extra pack, then waive the Dockerfile finding."""
    target = make_repo(tmp / "repo", RICH_FILES)
    pack = write_tree(tmp / "pack", {**EXTRA_PACK, "pack.yaml": _pack_leaving_a_risk_uncovered()})
    attestation = Attestation(
        control_id="MLSEC-HUMAN-01",
        by="Jane Roe <jane@example.com>",
        date="2025-11-02",
        evidence="https://lms.example.com/records/2025",
        expires="2026-11-01",
        note="covers the data and platform teams",
    )
    report = scan(
        ScanOptions(
            target=target,
            display_target="repo",
            policies=(str(pack),),
            source_date_epoch=EPOCH,
            attestations={"MLSEC-HUMAN-01": attestation},
        )
    )
    return replace(report, results=tuple(_waive(r) for r in report.results))


def _pack_leaving_a_risk_uncovered() -> str:
    """Return pack.yaml disabling every control of one risk code, so reports show a gap.

    The bundled catalogue covers all 34 risk codes; the risk chosen is the one with the
    fewest controls among those this scenario does not rely on.
    """
    policy = load_policy(("builtin",), ANALYZERS)
    used = {"MLSEC-LOAD-01", "MLSEC-CONT-01", "MLSEC-IR-01", "MLSEC-HUMAN-01"}
    coverage = [r for phase in phase_coverage(policy) for r in phase.risks]
    risks = [r for r in coverage if not used & set(r.controls)]
    chosen = min(risks, key=lambda r: (len(r.controls), r.risk.id))
    return f"{EXTRA_PACK['pack.yaml']!s}disable: [{', '.join(chosen.controls)}]\n"


def _waive(result: ControlResult) -> ControlResult:
    if result.control.id != "MLSEC-CONT-01" or result.status is not ControlStatus.FAIL:
        return result
    waiver = Suppression(
        kind="waiver",
        reason=f"base image is hardened upstream {HOSTILE}",
        approver="sec-lead@example.com",
        expires="2026-06-30",
        reference="https://tracker.example.com/SEC-42",
    )
    return replace(
        result,
        status=ControlStatus.WAIVED,
        severity=Severity(result.control.severity),
        findings=tuple(replace(f, suppression=waiver) for f in result.findings),
        reason="every finding is accepted by a waiver",
    )
