"""A finding's data flow in SARIF: related locations with their message, and one code flow.

Each step of :attr:`Finding.flow` ("URL defined here") becomes a ``relatedLocation`` after the
places of a grouped finding, and the steps followed by the finding's own place become one
``codeFlow`` thread, which code-scanning viewers show as the path from source to sink.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mlsec_policy.models import Finding, Location

SRCROOT = "%SRCROOT%"


def physical(place: Location) -> dict[str, Any]:
    """Return the SARIF ``physicalLocation`` of a place (its start line only)."""
    value: dict[str, Any] = {
        "artifactLocation": {"uri": quote(place.path, safe="/"), "uriBaseId": SRCROOT}
    }
    if place.start_line is not None:
        value["region"] = {"startLine": place.start_line}
    return value


def flow_related(finding: Finding, first_id: int) -> list[dict[str, Any]]:
    """Return the related locations of the finding's flow steps, numbered from ``first_id``."""
    return [
        {
            "id": index,
            "physicalLocation": physical(step.location),
            "message": {"text": step.message},
        }
        for index, step in enumerate(finding.flow, start=first_id)
    ]


def code_flows(finding: Finding) -> dict[str, Any]:
    """Return ``{"codeFlows": [...]}`` from source to the finding's place, or {} without flow."""
    if not finding.flow:
        return {}
    steps = [
        {"location": {"physicalLocation": physical(s.location), "message": {"text": s.message}}}
        for s in finding.flow
    ]
    steps.append(
        {
            "location": {
                "physicalLocation": physical(finding.location),
                "message": {"text": "used here"},
            }
        }
    )
    return {"codeFlows": [{"threadFlows": [{"locations": steps}]}]}
