"""Diff-limited scans: which controls look only at the changed files, and at which files.

With ``--diff-base REF`` a control is **per-file** when every one of its checks is a violation
check that reads one file at a time (a semgrep rule, or a native file analyzer). Per-file
controls run only on the files changed since REF, plus the unchanged files whose findings
depend on a changed one (:data:`DEPENDENCIES`). Every other control — one with a repository
analyzer, an evidence or scope check, or an attestation — is evaluated on the whole
repository, as in a full scan, because its verdict is about the repository as a whole.

A per-file control none of whose checks selects a changed file ran on nothing: its status is
``not-evaluated``, never ``pass``. The findings of every control are still filtered to the
changed lines afterwards (:mod:`mlsec_policy.suppress.diff`), so narrowing the files changes
what runs, never what a diff scan reports.

:func:`narrow` is the one place that decides which files per-file engines see.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.integrity.manifest import manifest_kind
from mlsec_policy.engines.base import CheckEngine, EngineOutput, Workspace
from mlsec_policy.models import Artifact, ArtifactKind, CheckMode, Inventory, ScanError
from mlsec_policy.pathmatch import PathFilter
from mlsec_policy.policy import NativeCheck, Policy, SemgrepCheck
from mlsec_policy.policy.model import CheckBase, Control
from mlsec_policy.suppress.diff import ChangeSet

CheckT = TypeVar("CheckT", bound=CheckBase)

_Changed = Callable[[str, ArtifactKind | None], bool]
"""A test on a changed (or deleted) path and its kind (None when the file is gone)."""

LOCK_FILES = frozenset({"pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock", "setup.py"})
KUBERNETES_ANALYZERS = frozenset(
    {
        *(f"k8s-{name}" for name in ("exposed-tools", "host-access", "ingress-tls", "privileged")),
        *(f"k8s-{name}" for name in ("probes", "rbac-wildcards", "resource-limits", "unconfined")),
        *(f"k8s-{name}" for name in ("security-context", "service-account-token")),
        "image-pinning",
    }
)
STRIP_CONFIG = frozenset({".gitattributes", ".pre-commit-config.yaml"})


def _name(path: str) -> str:
    return posixpath.basename(path).lower()


def _kind_in(*kinds: ArtifactKind) -> _Changed:
    return lambda _path, kind: kind in kinds


def _any_file(_path: str, _kind: ArtifactKind | None) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Dependency:
    """Files a per-file analyzer reads besides its own.

    When one of them changes, every file the analyzer reads is examined again (``folder``:
    only those in a folder above the changed file).
    """

    analyzers: frozenset[str]
    reads: _Changed
    folder: bool = False
    why: str = ""
    subject: Callable[[str], bool] = lambda _path: True
    """Which of the files the analyzer's checks select it really reads (a checksum-manifest
    check selects every text file; only manifests by name are read)."""


DEPENDENCIES: tuple[Dependency, ...] = (
    Dependency(
        frozenset({"checksum-manifest"}),
        _any_file,
        folder=True,
        why="a manifest records digests of the files in its folder and below",
        subject=lambda path: manifest_kind(path) is not None,
    ),
    Dependency(
        frozenset({"dvc-outputs", "shard-index"}),
        _any_file,
        folder=True,
        why="a .dvc file or a shard index records the files in its folder and below",
    ),
    Dependency(
        frozenset({"notebook-outputs", "notebook-output-environment"}),
        lambda path, _kind: _name(path) in STRIP_CONFIG,
        why="notebook outputs are accepted when output stripping is configured",
    ),
    Dependency(
        frozenset({"notebook-commands"}),
        lambda path, kind: kind is ArtifactKind.DEPENDENCY_MANIFEST or "requirements" in path,
        why="a notebook's install command reads the requirements file it names",
    ),
    Dependency(
        frozenset({"dependency-pins", "dependency-sources"}),
        lambda path, kind: (
            kind
            in (ArtifactKind.DEPENDENCY_MANIFEST, ArtifactKind.DOCKERFILE, ArtifactKind.COMPOSE)
            or _name(path) in LOCK_FILES
            or _name(path) == "pyproject.toml"
        ),
        why="a manifest reads the files it includes, its lock file and the project's deploy files",
    ),
    Dependency(
        frozenset({"dockerfile-final-user"}),
        _kind_in(ArtifactKind.COMPOSE),
        why="a compose service that builds a Dockerfile can set its user",
    ),
    Dependency(
        frozenset({"gha-permissions"}),
        _kind_in(ArtifactKind.CI_WORKFLOW),
        why="a workflow's job can call a local reusable workflow",
    ),
    Dependency(
        KUBERNETES_ANALYZERS,
        lambda path, _kind: _name(path).startswith("kustomiz"),
        why="a Kubernetes manifest is read with the kustomizations that build it",
    ),
)
"""The real cross-file reads of per-file analyzers (docs/ci.md, "What runs where")."""


@dataclass(frozen=True, slots=True)
class DiffPlan:
    """What a diff-limited scan runs where."""

    inventory: Inventory
    """The files per-file controls run on: the changed files and their dependents."""
    changed: tuple[str, ...]
    """Changed files (added, modified, renamed) that the inventory holds."""
    dependents: tuple[str, ...]
    """Unchanged files examined again because their findings depend on a changed file."""
    per_file: frozenset[str]
    """Controls evaluated on those files only."""
    not_evaluated: Mapping[str, str]
    """Per-file controls that no changed file fed, with the reason."""

    def widen(self, changes: ChangeSet) -> ChangeSet:
        """Return the change with the dependents added as whole files.

        A change to a file they depend on can have made any of their findings, so all of
        them are reported.
        """
        if not self.dependents:
            return changes
        files = {**changes.files, **dict.fromkeys(self.dependents)}
        count = len(self.dependents)
        extra = f"{count} unchanged file{'s' if count != 1 else ''} whose findings depend on them"
        return replace(changes, files=files, description=f"{changes.description}, and {extra}")

    def unread(self, errors: Sequence[ScanError]) -> list[ScanError]:
        """Return ``errors`` without per-file controls' blocked-file errors on files not given.

        An oversized file nobody changed does not stop a diff scan's per-file verdicts; the
        repository-wide controls that read it still err.
        """
        examined = {a.path for a in self.inventory.artifacts}
        kept: list[ScanError] = []
        for error in errors:
            if error.engine != "inventory" or error.path is None or error.path in examined:
                kept.append(error)
                continue
            owners = tuple(c for c in error.control_ids if c not in self.per_file)
            if owners:
                kept.append(replace(error, control_ids=owners))
        return kept

    def limited(self) -> dict[str, str]:
        """Return per-file control ids: "" when evaluated on the changed files, else why not."""
        return {cid: self.not_evaluated.get(cid, "") for cid in sorted(self.per_file)}


def is_per_file(control: Control, analyzers: Mapping[str, AnalyzerSpec[Any]]) -> bool:
    """Return True when every check of the control reads one file at a time for violations."""
    if not control.checks:
        return False
    for check in control.checks:
        if check.mode is not CheckMode.VIOLATION:
            return False
        if isinstance(check, NativeCheck):
            if analyzers[check.analyzer].file is None:
                return False
        elif not isinstance(check, SemgrepCheck):
            return False
    return True


def plan(
    policy: Policy,
    inventory: Inventory,
    changes: ChangeSet,
    analyzers: Mapping[str, AnalyzerSpec[Any]],
) -> DiffPlan:
    """Return which controls run on which files in a scan limited to ``changes``."""
    per_file = [c for c in policy.controls if is_per_file(c, analyzers)]
    kinds = {a.path: a.kind for a in inventory.artifacts}
    changed = tuple(sorted(p for p in changes.files if p in kinds))
    touched = [(p, kinds.get(p)) for p in sorted({*changes.files, *changes.deleted})]
    dependents = _dependents(policy.controls, inventory, touched, analyzers) - set(changed)
    narrowed = narrow(inventory, {*changed, *dependents})
    silent = {
        control.id: _not_evaluated_reason(control)
        for control in per_file
        if not any(_examines(check, narrowed, analyzers) for check in control.checks)
    }
    return DiffPlan(
        narrowed,
        changed,
        tuple(sorted(dependents)),
        frozenset(c.id for c in per_file),
        silent,
    )


def narrow(inventory: Inventory, paths: set[str]) -> Inventory:
    """Return the inventory with only ``paths`` among its artifacts and skipped files."""
    return Inventory(
        inventory.root,
        tuple(a for a in inventory.artifacts if a.path in paths),
        tuple(s for s in inventory.skipped if s.path in paths),
        inventory.git,
    )


def run_split(
    engine: CheckEngine[CheckT],
    checks: Sequence[CheckT],
    inventory: Inventory,
    workspace: Workspace,
    scope: DiffPlan | None,
) -> EngineOutput:
    """Run the engine: repository-wide checks on every file, per-file ones on the plan's files.

    In a diff scan the output's ``examined`` lists the files the per-file checks read.
    """
    if scope is None:
        return engine.run(checks, inventory, workspace)
    whole = [c for c in checks if c.control_id not in scope.per_file]
    limited = [c for c in checks if c.control_id in scope.per_file]
    first = engine.run(whole, inventory, workspace) if whole else EngineOutput()
    second = engine.run(limited, scope.inventory, workspace) if limited else EngineOutput()
    return EngineOutput(
        first.hits + second.hits,
        first.errors + second.errors,
        first.version or second.version,
        first.skipped + second.skipped,
        second.examined,
    )


def _examines(
    check: CheckBase, inventory: Inventory, analyzers: Mapping[str, AnalyzerSpec[Any]]
) -> bool:
    """Return True when the check selects at least one artifact of ``inventory``."""
    return any(_selects(check, a, analyzers) for a in inventory.artifacts)


def _selects(
    check: CheckBase, artifact: Artifact, analyzers: Mapping[str, AnalyzerSpec[Any]]
) -> bool:
    if isinstance(check, NativeCheck):
        if artifact.kind not in analyzers[check.analyzer].kinds:
            return False
        if check.kinds and artifact.kind not in check.kinds:
            return False
    elif artifact.kind not in check.kinds:
        return False
    return PathFilter.of(check).allows(artifact.path)


def _not_evaluated_reason(control: Control) -> str:
    names = ", ".join(kind.value for kind in control.applicable_kinds())
    return (
        f"no changed file is of a kind this control examines ({names}); "
        "it was not evaluated on this change"
    )


def _dependents(
    controls: Sequence[Control],
    inventory: Inventory,
    touched: Sequence[tuple[str, ArtifactKind | None]],
    analyzers: Mapping[str, AnalyzerSpec[Any]],
) -> set[str]:
    """Return the unchanged files whose findings depend on a touched file.

    Every control counts: a repository-wide control already reads them, but its findings on
    them are reported only when they join the change.
    """
    found: set[str] = set()
    checks = [c for control in controls for c in control.checks if isinstance(c, NativeCheck)]
    for dependency in DEPENDENCIES:
        triggers = [path for path, kind in touched if dependency.reads(path, kind)]
        if not triggers:
            continue
        for check in checks:
            if check.analyzer not in dependency.analyzers:
                continue
            for artifact in inventory.artifacts:
                if not _selects(check, artifact, analyzers) or not dependency.subject(
                    artifact.path
                ):
                    continue
                if not dependency.folder or any(_below(artifact.path, t) for t in triggers):
                    found.add(artifact.path)
    return found


def _below(manifest: str, path: str) -> bool:
    """Return True when ``path`` lies in the folder of ``manifest`` or below it."""
    folder = posixpath.dirname(manifest)
    return folder == "" or path.startswith(folder + "/")
