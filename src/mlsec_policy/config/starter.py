"""The commented starter configuration ``mlsec-policy init`` writes for a repository.

It says what the scan will look at, suggests excludes for folders that hold test fixtures or
vendored code (they are full of deliberate bad examples), and shows — commented out — how to
disable or re-grade a control, accept a risk with a waiver, and record an attestation for each
control of the policy that only an attestation can decide.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import PurePosixPath

from mlsec_policy.config.model import DEFAULT_WAIVER_MAX_DAYS
from mlsec_policy.models import ArtifactKind, Inventory
from mlsec_policy.policy import Control, Policy

EXCLUDE_DIRS = frozenset(
    {"fixtures", "testdata", "test_data", "test-data", "third_party", "vendor", "vendored"}
)
"""Folder names whose contents are usually examples or other people's code."""

KIND_NAMES = {
    ArtifactKind.PYTHON: "Python files",
    ArtifactKind.NOTEBOOK: "notebooks",
    ArtifactKind.DOCKERFILE: "Dockerfiles",
    ArtifactKind.KUBERNETES: "Kubernetes manifests",
    ArtifactKind.COMPOSE: "Compose files",
    ArtifactKind.CI_WORKFLOW: "CI workflows",
    ArtifactKind.DEPENDENCY_MANIFEST: "dependency manifests",
    ArtifactKind.MODEL_ARTIFACT: "model files",
    ArtifactKind.DATA_FILE: "data files",
}


def suggested_excludes(inventory: Inventory) -> list[str]:
    """Return gitignore-style patterns for fixture and vendored folders found in the target."""
    found: set[str] = set()
    for artifact in inventory.artifacts:
        parts = PurePosixPath(artifact.path).parts[:-1]
        for depth, part in enumerate(parts):
            if part.lower() in EXCLUDE_DIRS:
                found.add("/".join(parts[: depth + 1]) + "/")
                break
    return sorted(found)


def starter_config(inventory: Inventory, policy: Policy, today: date) -> str:
    """Return the text of a starter ``.mlsec-policy.yml`` for ``inventory``."""
    counts = {kind: len(inventory.of_kind(kind)) for kind in KIND_NAMES}
    seen = ", ".join(f"{KIND_NAMES[k]} {n}" for k, n in counts.items() if n) or "no files yet"
    excludes = suggested_excludes(inventory)
    attested = [c for c in policy.controls if c.is_attestation]
    checked = [c for c in policy.controls if not c.is_attestation]
    example_id = checked[0].id if checked else "CONTROL-ID"
    until = today + timedelta(days=90)
    lines = [
        "# mlsec-policy configuration: read by every 'mlsec-policy scan' of this repository.",
        "# Command-line options override it. Reference: docs/ci.md in the mlsec-policy sources.",
        f"# Found when this file was written: {seen}.",
        "version: 1",
        "",
        "# Policy packs to apply, in order ('builtin' is the bundled pack; directories are",
        "# relative to this file).",
        "policies: [builtin]",
        "",
        "# The lowest severity of a failing control that fails the scan: low, medium, high,",
        "# critical. Start at 'high' to adopt gradually, then lower it.",
        "fail-on: low",
        "",
        "# Paths never inspected (gitignore patterns). Test fixtures and vendored code are full",
        "# of deliberate bad examples.",
    ]
    if excludes:
        lines += ["exclude:", *(f"  - {pattern}" for pattern in excludes)]
    else:
        lines += ["# exclude:", "#   - tests/fixtures/"]
    lines += [
        "",
        "# Controls to leave out, and controls to re-grade:",
        "# disable: [CONTROL-ID]",
        "# overrides:",
        f"#   {example_id}:",
        "#     severity: critical",
        "",
        "# 'mlsec-policy: ignore[CONTROL-ID] reason' comments are honoured unless this is false",
        "# (or the scan runs with --no-inline-suppressions).",
        "# inline-suppressions: true",
        "",
        "# Findings in test, example and docs paths are marked and, by default, do not fail the",
        "# scan (committed credentials and personal data still do). 'gate' counts them, 'hide'",
        "# leaves them out; 'product' names paths that ship whatever their names say.",
        "# non-product:",
        "#   mode: mark",
        "#   product: [examples/deployed/**]",
        "",
        "# Waivers accept a risk formally: who approved it, why, the ticket, and until when",
        f"# (at most waiver-max-days ahead, default {DEFAULT_WAIVER_MAX_DAYS}). An expired",
        "# waiver stops applying and its findings fail again.",
        "# waivers:",
        "#   - id: WVR-1",
        f"#     control: {example_id}",
        "#     paths: [legacy/**]",
        "#     reason: Why the risk is acceptable and what compensates for it.",
        "#     approver: Security lead (name)",
        "#     ticket: https://tracker.example.org/SEC-123",
        f"#     expires: {until.isoformat()}",
    ]
    lines += _attestation_lines(attested, today)
    return "\n".join(lines) + "\n"


def _attestation_lines(controls: list[Control], today: date) -> list[str]:
    lines = [
        "",
        "# Attestations record what no file can prove: who states it, when, the evidence, and",
        "# until when. Without a current one these controls report 'needs-attestation'.",
    ]
    if not controls:
        return [*lines, "# attestations: []"]
    lines.append("# attestations:")
    for control in controls:
        lines += [
            f"#   # {control.id}: {control.meta.title}",
            f"#   # evidence needed: {control.needed_evidence()}",
            f"#   - control: {control.id}",
            "#     by: Name (role)",
            f"#     date: {today.isoformat()}",
            "#     evidence: https://records.example.org/...",
            f"#     expires: {(today + timedelta(days=365)).isoformat()}",
        ]
    return lines
