"""Committed environment files that hold a secret value (``.env``, ``.env.local``, ``prod.env``).

A ``.env`` file exists to hold the values a program must not carry, so committing one that
holds a real secret puts every key of the project into every clone. The file is reported once,
at the first line holding a credential: a value a token detector recognises, or a literal under
a secret-named variable (judged line by line, as
:func:`~mlsec_policy.analyzers.secrets.config_settings.config_settings` does). Templates
(``.env.example``, ``sample.env``) and files whose secret variables are empty or hold
placeholders are not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.patterns.secrets import scan_text
from mlsec_policy.analyzers.secrets.config_settings import config_settings, is_dotenv, is_template
from mlsec_policy.models import ArtifactKind

MAX_TEXT = 1024 * 1024


def dotenv_secrets(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield one observation for an environment file that holds a secret value."""
    name = PurePosixPath(context.artifact.path).name.lower()
    if not is_dotenv(name) or is_template(name) or context.artifact.size > MAX_TEXT:
        return
    text = context.read_text()
    lines = text.splitlines()
    found = [setting.line for setting in config_settings(lines)]
    found += [
        index + 1 for index, match in scan_text(text) if not lines[index].lstrip().startswith("#")
    ]
    if found:
        first = min(found)
        yield Observation(
            context.at(first),
            message=f"the environment file holds a secret value (line {first}); remove the "
            "file from the repository and its history, revoke the key, and gitignore it",
            key=context.artifact.path,
        )


SPEC = AnalyzerSpec(
    name="dotenv-secrets",
    description="Committed .env files that hold a secret value (templates are skipped).",
    kinds=frozenset({ArtifactKind.CONFIG, ArtifactKind.OTHER}),
    params=NO_PARAMS,
    file=dotenv_secrets,
)
