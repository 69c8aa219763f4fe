"""Governance: the files, documents, owners and tooling a repository is expected to keep."""

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.governance import (
    ci_security_tools,
    codeowners,
    doc_sections,
    files_present,
    suppression_comments,
    update_automation,
)

SPECS: tuple[AnalyzerSpec[Any], ...] = (
    files_present.SPEC,
    suppression_comments.SPEC,
    doc_sections.SPEC,
    update_automation.SPEC,
    codeowners.SPEC,
    ci_security_tools.SPEC,
)
"""The analyzers of this domain, for the registry."""
