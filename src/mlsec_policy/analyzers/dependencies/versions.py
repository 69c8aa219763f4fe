"""Findings graded by the package versions a repository declares (a check's ``version-context``).

A check may declare that its danger depends on a package version (``torch.load`` is safe by
default from torch 2.6). Where every requirement governing the file admits only safe releases,
the check's findings take the context's severity and message, naming the manifest lines relied on;
a context without a severity says those releases refuse what the check looks for, and drops them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from mlsec_policy.analyzers.read.versions import DeclaredVersions
from mlsec_policy.models import Artifact, Hit, VersionContext


def graded_by_versions(
    root: Path,
    artifacts: Sequence[Artifact],
    contexts: Mapping[str, VersionContext],
    hits: Sequence[Hit],
) -> list[Hit]:
    """Return ``hits``, each re-graded where its check has a version context that applies.

    A hit whose check's package is declared, in every manifest governing the hit's file, only
    in releases from the safe version on takes the context's severity and message; the message
    names the requirements relied on; a context without a severity drops it (the safe releases
    refuse what the check matched). Any other hit is returned as it is.
    """
    if not any(hit.check_id in contexts for hit in hits):
        return list(hits)
    declared = DeclaredVersions(root, artifacts)
    graded: list[Hit] = []
    for hit in hits:
        context = contexts.get(hit.check_id)
        relied = (
            declared.floor(hit.observation.location.path, context.packages, context.safe_from)
            if context is not None
            else None
        )
        if context is None or relied is None:
            graded.append(hit)
            continue
        if context.severity is None:
            continue
        shown = "; ".join(r.display() for r in relied[:3])
        message = context.message.replace("{requirement}", shown)
        observation = replace(hit.observation, severity=context.severity, message=message)
        graded.append(replace(hit, observation=observation))
    return graded
