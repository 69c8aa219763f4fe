"""CODEOWNERS coverage: models, data and pipelines need owners who review their changes.

The CODEOWNERS file is looked up where GitHub and GitLab look (``.github/``, the root,
``docs/``; the first found wins). Its rules are read in order and, as on both platforms, the
last rule matching a path decides its owners; a rule without owners leaves the path unowned.
The files that need an owner are grouped into categories by artifact kind (model artifacts,
data files, CI workflows); for each category with unowned files, one finding names the first
such file and how many there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlsec_policy import pathmatch
from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.params import Params
from mlsec_policy.models import Artifact, ArtifactKind, Location


@dataclass(frozen=True, slots=True)
class OwnedFiles:
    """A category of files that needs an owner."""

    name: str
    kinds: tuple[ArtifactKind, ...]
    exclude: tuple[str, ...] = ()
    """gitignore-style patterns of files of these kinds that need no owner."""


@dataclass(frozen=True, slots=True)
class CodeownersCoverage:
    """Parameters of ``codeowners-coverage``."""

    categories: tuple[OwnedFiles, ...]


LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


@dataclass(frozen=True, slots=True)
class Rule:
    """One CODEOWNERS line: a path pattern and its owners."""

    pattern: str
    owners: tuple[str, ...]


def parse_codeowners(text: str) -> list[Rule]:
    """Return the rules of a CODEOWNERS file (comments and GitLab section headers skipped)."""
    rules: list[Rule] = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#") or line.startswith(("[", "^[")):
            continue
        words = line.split()
        rules.append(Rule(words[0].replace("\\ ", " "), tuple(words[1:])))
    return rules


def owner_of(path: str, rules: list[Rule]) -> tuple[str, ...]:
    """Return the owners of ``path``: those of the last rule that matches it."""
    for rule in reversed(rules):
        if pathmatch.build_filter((rule.pattern,), ()).allows(path):
            return rule.owners
    return ()


def codeowners_coverage(context: RepoContext, params: CodeownersCoverage) -> Iterable[Observation]:
    """Yield, per category of sensitive files, a finding when some of them have no owner."""
    paths = {artifact.path: artifact for artifact in context.all_artifacts}
    owners_file = next((paths[name] for name in LOCATIONS if name in paths), None)
    rules: list[Rule] = []
    if owners_file is not None:
        rules = parse_codeowners(context.file(owners_file).read_text())
    for category in params.categories:
        kinds = set(category.kinds)
        excluded = list(category.exclude)
        skip = pathmatch.spec(excluded) if excluded else None
        files = [
            a
            for a in context.all_artifacts
            if a.kind in kinds and not (skip and skip.match_file(a.path))
        ]
        unowned = [a for a in files if not owner_of(a.path, rules)]
        if unowned:
            yield _finding(category.name, unowned, owners_file)


def _finding(name: str, unowned: list[Artifact], owners_file: Artifact | None) -> Observation:
    first = unowned[0].path
    more = f" and {len(unowned) - 1} more" if len(unowned) > 1 else ""
    where = (
        f"{owners_file.path} names no owner for"
        if owners_file
        else "there is no CODEOWNERS file, so nobody must review changes to"
    )
    return Observation(Location(first), message=f"{where} {name}: {first}{more}", key=name)


SPEC = AnalyzerSpec(
    name="codeowners-coverage",
    description="Model, data and pipeline files that no CODEOWNERS rule assigns an owner.",
    kinds=frozenset(
        {ArtifactKind.MODEL_ARTIFACT, ArtifactKind.DATA_FILE, ArtifactKind.CI_WORKFLOW}
    ),
    params=Params.beside(CodeownersCoverage, __name__, "codeowners-coverage"),
    repo=codeowners_coverage,
)
"""The analyzer of this module, for the registry."""
