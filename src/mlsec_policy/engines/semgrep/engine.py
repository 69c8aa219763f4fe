"""The semgrep engine: every semgrep check of every control, in one semgrep process.

Targets are passed explicitly (so semgrep's built-in ignore list, which silently drops
``tests/``, never applies). Files semgrep cannot read as they are — notebooks, Helm templates,
Dockerfiles named ``Dockerfile.prod``, extension-less scripts — are scanned through views
written to the scratch folder, and every match is mapped back to the original file and line.
Semgrep's per-file problems become ScanErrors on the controls that needed that file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from mlsec_policy.engines.base import EngineOutput, Workspace
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.problems import (
    process_error,
    raise_rule_errors,
    scan_errors,
    view_error,
)
from mlsec_policy.engines.semgrep.process import batches, find_binary, run_rules
from mlsec_policy.engines.semgrep.results import hits
from mlsec_policy.engines.semgrep.target import Target, normal
from mlsec_policy.models import Artifact, Hit, Inventory, ScanError, Severity, SkippedFile
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import SemgrepCheck
from mlsec_policy.views import ViewError
from mlsec_policy.views.targets import view_for


class SemgrepEngine:
    """Runs semgrep checks; see the module docstring."""

    name = "semgrep"

    def __init__(self, settings: SemgrepSettings, severities: Mapping[str, Severity]) -> None:
        """Create the engine; ``severities`` gives each control's severity by id."""
        self.settings = settings
        self.severities = severities

    def run(
        self, checks: Sequence[SemgrepCheck], inventory: Inventory, workspace: Workspace
    ) -> EngineOutput:
        """Run all semgrep ``checks`` over the inventory in one semgrep process."""
        if not checks:
            return EngineOutput()
        kinds = {kind for check in checks for kind in check.kinds}
        targets, errors = _targets(inventory.of_kind(*kinds), workspace, checks)
        skipped = tuple(_left_out(targets))
        if not targets:
            return EngineOutput(errors=tuple(errors))
        rules_file = workspace.scratch / "semgrep-rules.yaml"
        write_rules(rules_file, checks, self.severities)
        binary = find_binary(self.settings)
        by_scanned = {normal(t.scanned): t for t in targets}
        by_id = {check.id: check for check in checks}
        found: list[Hit] = []
        version: str | None = None
        for batch in batches([t.scanned for t in targets]):
            result = run_rules(
                binary, rules_file, batch, workspace.root, workspace.scratch, self.settings
            )
            if result.output is None:
                errors.append(process_error(result, checks))
                continue
            version = version or result.output.get("version")
            raise_rule_errors(result.output, by_id)
            found.extend(hits(result.output, by_scanned, by_id, workspace.root))
            errors.extend(
                scan_errors(
                    result.output, by_scanned, checks, workspace.root, self.settings.timeout
                )
            )
        examined = tuple(sorted({t.artifact.path for t in targets}))
        return EngineOutput(tuple(found), tuple(errors), version, skipped, examined)


def _targets(
    artifacts: Iterable[Artifact], workspace: Workspace, checks: Sequence[SemgrepCheck]
) -> tuple[list[Target], list[ScanError]]:
    """Return what semgrep scans: each file as it is, or its view written to the scratch."""
    targets: list[Target] = []
    errors: list[ScanError] = []
    views_root = workspace.scratch / "views"
    for number, artifact in enumerate(artifacts):
        try:
            view = view_for(artifact, workspace.root)
        except (ViewError, OSError, UnicodeDecodeError) as exc:
            errors.append(view_error(artifact, exc, checks))
            continue
        if view is None:
            targets.append(Target(artifact, artifact.path, None))
            continue
        folder = views_root / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        scanned = folder / view.file_name
        scanned.write_text(view.text, encoding="utf-8")
        targets.append(Target(artifact, str(scanned), view))
    return targets, errors


def _left_out(targets: Iterable[Target]) -> Iterator[SkippedFile]:
    """Yield the parts of files that views set aside (a notebook cell that is not Python)."""
    for target in targets:
        if target.view is None:
            continue
        for omission in target.view.omitted:
            yield SkippedFile(
                target.artifact.path, omission.reason, target.artifact.kind, line=omission.line
            )
