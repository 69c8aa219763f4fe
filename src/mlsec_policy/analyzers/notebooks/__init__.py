"""Notebooks: what they install and run, and what their saved outputs keep and reveal.

Every analyzer reads the notebook with the position-aware reader of :mod:`..read.notebook`,
so each finding names the ``.ipynb`` line and the cell. :mod:`.commands` reads installs and
shell lines (MLSEC-NB-02), :mod:`.outputs` outputs committed without stripping and what they
show of the author's environment (MLSEC-NB-01), :mod:`.leaks` personal data and tracebacks
in outputs (MLSEC-NB-03).
"""

from __future__ import annotations

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec, FileAnalyzer
from mlsec_policy.analyzers.notebooks.commands import notebook_commands
from mlsec_policy.analyzers.notebooks.leaks import OutputLeaks, notebook_output_leaks
from mlsec_policy.analyzers.notebooks.outputs import notebook_output_environment, notebook_outputs
from mlsec_policy.analyzers.params import NO_PARAMS, Params
from mlsec_policy.analyzers.read.organisation import SOURCES as ORGANISATION_SOURCES
from mlsec_policy.models import ArtifactKind


def _spec(
    name: str,
    description: str,
    function: FileAnalyzer[Any],
    params: Params[Any] = NO_PARAMS,
    also_reads: tuple[str, ...] = (),
) -> AnalyzerSpec[Any]:
    """Return a notebook analyzer's spec (``also_reads``: see :class:`AnalyzerSpec`)."""
    return AnalyzerSpec(
        name=name,
        description=description,
        kinds=frozenset({ArtifactKind.NOTEBOOK}),
        params=params,
        file=function,
        also_reads=also_reads,
    )


COMMANDS = _spec(
    "notebook-commands",
    "Unpinned installs, requirements files from outside, curl | sh, literal %env secrets.",
    notebook_commands,
)
OUTPUTS = _spec(
    "notebook-outputs",
    "Notebooks saved with outputs, without stripping (one group per repository).",
    notebook_outputs,
)
ENVIRONMENT = _spec(
    "notebook-output-environment",
    "Outputs showing home folders with user names, cloud accounts, tracker entities, hosts.",
    notebook_output_environment,
)
LEAKS = _spec(
    "notebook-output-leaks",
    "Tracebacks and personal data in saved outputs.",
    notebook_output_leaks,
    Params.beside(OutputLeaks, "mlsec_policy.analyzers.notebooks.leaks", "notebook-output-leaks"),
    also_reads=ORGANISATION_SOURCES,
)

SPECS: tuple[AnalyzerSpec[Any], ...] = (COMMANDS, OUTPUTS, ENVIRONMENT, LEAKS)
"""The analyzers of this domain, for the registry."""
