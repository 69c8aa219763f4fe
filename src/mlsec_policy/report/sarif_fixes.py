"""A finding's automatic fix in SARIF: one ``fix`` with its artifact changes and replacements.

A suppressed finding carries none: code scanning would offer to apply a fix for a finding the
repository has accepted.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mlsec_policy.models import Finding


def fixes(finding: Finding, srcroot: str) -> dict[str, Any]:
    """Return the SARIF ``fixes`` of a finding that carries an automatic fix (else nothing)."""
    if finding.fix is None or finding.suppression is not None:
        return {}
    changes = [
        {
            "artifactLocation": {"uri": quote(change.path, safe="/"), "uriBaseId": srcroot},
            "replacements": [
                {
                    "deletedRegion": {
                        "startLine": edit.start_line,
                        "startColumn": edit.start_column,
                        "endLine": edit.end_line,
                        "endColumn": edit.end_column,
                    },
                    "insertedContent": {"text": edit.text},
                }
                for edit in change.edits
            ],
        }
        for change in finding.fix.changes
    ]
    return {
        "fixes": [{"description": {"text": finding.fix.description}, "artifactChanges": changes}]
    }
