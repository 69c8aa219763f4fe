"""The JSON report: the complete record of a scan, following ``schemas/report.schema.json``.

Every other rendering can be rebuilt from it (:func:`load`). The ``summary`` block is derived
data for consumers that do not want to recompute it; :func:`load` ignores it. The ``integrity``
block (:mod:`mlsec_policy.report.integrity`) carries the SHA-256 of the canonical content and the
policy digest, so that ``report verify`` can tell whether the file was edited after the scan.
"""

from __future__ import annotations

import json
from typing import Any

from mlsec_policy.models import Report
from mlsec_policy.outcome import exit_code, verdict
from mlsec_policy.report import integrity, summary
from mlsec_policy.report.serde import from_data, to_data

SCHEMA_ID = "https://mlsec-policy.dev/schemas/report/v1.json"
SCHEMA_VERSION = "1.4"
READABLE_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4")
"""Versions :func:`load` reads: minor versions only add fields, which then take defaults."""
DERIVED_KEYS = ("$schema", "schema_version", "summary", integrity.KEY)


def render(report: Report) -> str:
    """Return the JSON report text (UTF-8, two-space indent, trailing newline)."""
    return json.dumps(to_document(report), indent=2, ensure_ascii=False) + "\n"


def to_document(report: Report) -> dict[str, Any]:
    """Return the JSON report as data, its ``integrity`` block last."""
    data: dict[str, Any] = {"$schema": SCHEMA_ID, "schema_version": SCHEMA_VERSION}
    data.update(to_data(report))
    data["summary"] = _summary(report)
    data[integrity.KEY] = integrity.block(data, report.policy.digest)
    return data


def load(text: str) -> Report:
    """Rebuild a Report from JSON report text; raise ValueError if it is not one."""
    return from_document(parse(text))


def parse(text: str) -> dict[str, Any]:
    """Return the JSON document of a report; raise ValueError if the text is not one."""
    return as_report(json.loads(text))


def as_report(data: object) -> dict[str, Any]:
    """Return parsed JSON as a report document; raise ValueError if it is not one."""
    if not isinstance(data, dict) or data.get("schema_version") not in READABLE_VERSIONS:
        raise ValueError(
            f"not an mlsec-policy report of schema version {' or '.join(READABLE_VERSIONS)}"
        )
    return data


def from_document(data: dict[str, Any]) -> Report:
    """Rebuild a Report from a parsed JSON report; raise ValueError if it does not fit."""
    record = {k: v for k, v in data.items() if k not in DERIVED_KEYS}
    return from_data(Report, record)


def _summary(report: Report) -> dict[str, Any]:
    derived = {
        "verdict": verdict(report),
        "exit_code": int(exit_code(report)),
        "status_counts": summary.status_counts(report.results),
        "phases": [
            {
                "id": phase.id,
                "title": phase.title,
                "layer": phase.layer,
                "status_counts": phase.counts,
                "controls": [r.control.id for r in phase.results],
            }
            for phase in summary.phases(report)
        ],
        "risks": [
            {
                "id": risk.id,
                "title": risk.title,
                "phase": risk.phase,
                "status": risk.status,
                "controls": list(risk.controls),
            }
            for risk in summary.risks(report)
        ],
    }
    if report.frameworks:
        derived["frameworks"] = [
            {
                "id": result.framework.id,
                "version": result.framework.version,
                "status_counts": result.counts(),
                "sections": result.section_counts(),
            }
            for result in report.frameworks
        ]
    return derived
