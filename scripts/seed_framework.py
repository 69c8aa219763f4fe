"""Write policies/frameworks/mlsec-seed.yaml from the controls' ``requirements:`` fields.

The seed policy (requirements DS1-HS4 of the ML security policy the bundled pack is built on)
is a framework like the others, but its mappings are not written by hand: each control names
the requirements it serves, and this script turns that into the framework file, so the two
never drift apart. ``tests/frameworks/test_official_ids.py`` runs it with ``--check``.

    .venv/bin/python scripts/seed_framework.py           # rewrite the file
    .venv/bin/python scripts/seed_framework.py --check   # exit 1 if the file is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.policy import BUILTIN, load_policy

TARGET = Path(__file__).resolve().parent.parent / "policies" / "frameworks" / "mlsec-seed.yaml"

DOCUMENT_CONTROLS = frozenset({"MLSEC-DATA-02", "MLSEC-IR-01", "MLSEC-IR-02", "MLSEC-MODEL-03"})
"""Controls whose evidence is a document the scan finds (data card, SECURITY.md, runbook,
model card) rather than a property of code or configuration."""

SECTIONS = {
    "DS": "Data security",
    "MS": "Model security",
    "PS": "Platform security",
    "SC": "Security compliance",
    "HS": "Human security",
}

# id: (title in our words, coverage, what a scan cannot show)
REQUIREMENTS: dict[str, tuple[str, str, str]] = {
    "DS1": (
        "Sensitive data is encrypted at rest and in transit",
        "partial",
        "encryption of storage outside the repository and key management need a person",
    ),
    "DS2": (
        "Only authorised people reach sensitive data",
        "partial",
        "who holds access in practice is checked in the identity system",
    ),
    "DS3": (
        "Data is classified, backed up and recoverable",
        "partial",
        "backup schedules and recovery tests happen outside the repository",
    ),
    "DS4": (
        "Personal data is removed or masked before use",
        "partial",
        "data outside the repository and its anonymisation need a person",
    ),
    "DS5": (
        "Training and test data are validated for quality and integrity",
        "partial",
        "malware scanning of data stores and the adequacy of checks need a person",
    ),
    "DS6": (
        "Data shared with third parties travels securely under agreements",
        "partial",
        "data-usage agreements and third-party access reviews are documents a person reads",
    ),
    "MS1": (
        "Models are developed under version control and review",
        "partial",
        "branching and review practice are read in the hosting platform",
    ),
    "MS2": (
        "Model inputs and outputs are validated",
        "partial",
        "validation outside the patterns the controls know needs review",
    ),
    "MS3": (
        "Models are explained and their threats modelled",
        "partial",
        "the quality of explanations and of the threat model is read by a person",
    ),
    "MS4": (
        "Models resist malware and adversarial attacks, and are tested for robustness",
        "partial",
        "robustness of the trained model is measured by testing it",
    ),
    "MS5": (
        "Production models are monitored and alert on anomalies",
        "partial",
        "alert routing and on-call response are checked in operation",
    ),
    "MS6": (
        "Models are deployed with secure protocols, access control and isolation",
        "partial",
        "protection against reverse engineering and runtime settings need a person",
    ),
    "PS1": (
        "The ML platform is scanned for vulnerabilities and penetration tested",
        "partial",
        "remediation of findings is tracked outside the repository",
    ),
    "PS2": (
        "Software and firmware are patched promptly",
        "partial",
        "patch roll-out on running hosts is checked in operation",
    ),
    "PS3": (
        "Only authorised people reach the ML platform, with least privilege",
        "partial",
        "access reviews and the identity system are checked by a person",
    ),
    "PS4": (
        "Communication uses TLS and storage is encrypted",
        "partial",
        "disk and database encryption outside the repository need a person",
    ),
    "PS5": (
        "The network is segmented and filtered",
        "partial",
        "firewalls and intrusion detection are checked in the network",
    ),
    "PS6": (
        "Accelerator hardware is protected against tampering",
        "partial",
        "physical security is attested by a person",
    ),
    "PS7": (
        "ML systems are configured following hardening guidance",
        "partial",
        "configuration of hosts and cloud accounts outside the repository needs a person",
    ),
    "SC1": (
        "The system meets the regulations that apply to it",
        "partial",
        "which regulations apply and how they are met is a legal assessment",
    ),
    "SC2": (
        "Bias, fairness and accountability are addressed",
        "partial",
        "the adequacy of fairness measures is judged by people",
    ),
    "SC3": (
        "Data is kept no longer than needed and deleted securely",
        "partial",
        "retention in data stores is checked where the data lives",
    ),
    "SC4": (
        "Access to and use of data and models leave an audit trail",
        "partial",
        "central log collection and review happen in operation",
    ),
    "SC5": (
        "Risk and compliance assessments are carried out",
        "partial",
        "assessments are documents a person reviews",
    ),
    "SC6": (
        "Third parties with access meet security requirements",
        "partial",
        "vendor due diligence and contracts are reviewed by a person",
    ),
    "HS1": ("People receive security training and awareness", "full", ""),
    "HS2": ("People with access to sensitive systems are screened", "full", ""),
    "HS3": (
        "An ML-specific incident response plan exists and is practised",
        "partial",
        "drills and the response team are checked by a person",
    ),
    "HS4": (
        "Governance oversees secure and ethical ML, exceptions included",
        "partial",
        "the governance bodies and their decisions are read by an auditor",
    ),
}


def framework_document() -> dict[str, object]:
    """Return the seed framework as data, mappings read from the bundled controls."""
    policy = load_policy((BUILTIN,), ANALYZERS)
    requirements = []
    for rid, (title, coverage, reason) in REQUIREMENTS.items():
        mappings = []
        for control in policy.controls:
            if rid not in control.meta.requirements:
                continue
            if control.is_attestation:
                evidence = "attestation"
            elif control.id in DOCUMENT_CONTROLS:
                evidence = "document"
            else:
                evidence = "automated"
            mappings.append({"control": control.id, "evidence": evidence})
        entry: dict[str, object] = {"id": rid, "title": title, "section": rid[:2]}
        entry["coverage"] = coverage if mappings else "not-covered"
        if mappings:
            entry["mappings"] = mappings
        if reason or not mappings:
            entry["reason"] = reason or "no control of the pack serves it"
        requirements.append(entry)
    return {
        "id": "mlsec-seed",
        "aliases": ["seed"],
        "title": "The ML security policy the bundled pack is built on (requirements DS1 to HS4)",
        "version": "2024-09",
        "publisher": "Thales Group, Secure Machine Learning project (ThalesGroup/secure-ml)",
        "source": "https://github.com/ThalesGroup/secure-ml",
        "notes": (
            "Generated by scripts/seed_framework.py from the requirements each control names: "
            "do not edit by hand. Titles are our paraphrases; the ids are the policy's own. "
            "Version is the month the requirements document last changed (2024-09-18)."
        ),
        "sections": [{"id": sid, "title": title} for sid, title in SECTIONS.items()],
        "requirements": requirements,
    }


def render() -> str:
    """Return the framework file's text."""
    header = "# Generated by scripts/seed_framework.py from the controls; do not edit by hand.\n"
    body = yaml.safe_dump(framework_document(), sort_keys=False, width=100, allow_unicode=True)
    return header + body


def main(argv: list[str]) -> int:
    """Write the file, or with ``--check`` say whether it is up to date (exit 1 if not)."""
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run scripts/seed_framework.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
