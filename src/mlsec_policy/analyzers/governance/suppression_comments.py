"""File analyzer: suppression comments that cannot be honoured.

Yields one observation per ``mlsec-policy:`` comment that is malformed, gives no reason, or
names a control the loaded policy does not define. Such a comment suppresses nothing (see
:mod:`mlsec_policy.suppress.inline`); reporting it makes sure it never fails silently, as
suppressions do in tools that ignore a typo. Findings of this analyzer cannot be suppressed
inline themselves.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from mlsec_policy.analyzers.base import AnalyzerError, AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.models import ArtifactKind, Location
from mlsec_policy.suppress.comments import comment_style, find_comments
from mlsec_policy.views.base import ViewError


def invalid_suppressions(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield the suppression comments of one file that are malformed or name no known control."""
    del params
    style = comment_style(context.artifact)
    if style is None:
        return
    try:
        comments = find_comments(context.read_text(), context.artifact.path, style)
    except ViewError as exc:
        raise AnalyzerError(
            f"cannot read the notebook's cells: {exc.message}", kind="parse-error", line=exc.line
        ) from None
    for comment in comments:
        location = Location(comment.path, comment.line, cell=comment.cell)
        if comment.problem is not None:
            yield Observation(location, message=comment.problem, key=comment.problem)
            continue
        for control_id in comment.control_ids:
            if control_id in context.known_controls:
                continue
            close = difflib.get_close_matches(control_id, sorted(context.known_controls), n=1)
            advice = f"; did you mean {close[0]}?" if close else ""
            message = f"the suppression names unknown control {control_id}{advice}"
            yield Observation(location, message=message, key=control_id)


SPEC = AnalyzerSpec(
    name="suppression-comments",
    description="Inline suppression comments that are malformed, lack a reason or name an "
    "unknown control.",
    kinds=frozenset(
        {
            ArtifactKind.PYTHON,
            ArtifactKind.NOTEBOOK,
            ArtifactKind.DOCKERFILE,
            ArtifactKind.SHELL,
            ArtifactKind.CONFIG,
            ArtifactKind.KUBERNETES,
            ArtifactKind.COMPOSE,
            ArtifactKind.CI_WORKFLOW,
            ArtifactKind.DEPENDENCY_MANIFEST,
        }
    ),
    params=NO_PARAMS,
    file=invalid_suppressions,
    inline_suppressible=False,
)
