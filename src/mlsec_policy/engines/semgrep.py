"""The semgrep engine: every semgrep check of every control, in one semgrep process.

Targets are passed explicitly (so semgrep's built-in ignore list, which silently drops
``tests/``, never applies). Files semgrep cannot read as they are — notebooks, Helm templates,
Dockerfiles named ``Dockerfile.prod``, extension-less scripts — are scanned through views
written to the scratch folder, and every match is mapped back to the original file and line.
Semgrep's per-file problems become ScanErrors on the controls that needed that file.
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mlsec_policy.engines.base import EngineOutput, Workspace
from mlsec_policy.engines.semgrep_run import (
    RunResult,
    SemgrepSettings,
    batches,
    find_binary,
    run_semgrep,
)
from mlsec_policy.errors import EngineUnavailableError, PolicyError, PolicyErrors
from mlsec_policy.models import (
    Artifact,
    ArtifactKind,
    ErrorLevel,
    Hit,
    Inventory,
    Location,
    ScanError,
    Severity,
)
from mlsec_policy.pathmatch import PathFilter
from mlsec_policy.policy.model import Check, Policy
from mlsec_policy.policy.semgrep_rules import build_rule
from mlsec_policy.redact import redact
from mlsec_policy.views import View, ViewError
from mlsec_policy.views.helm import TEMPLATE_FORMATS, helm_view
from mlsec_policy.views.notebook import notebook_view

_SEMGREP_DOCKERFILE = re.compile(r"^(dockerfile|.+\.dockerfile)$", re.IGNORECASE)
_MAX_SNIPPET = 400


@dataclass(frozen=True, slots=True)
class _Target:
    """One file handed to semgrep, and how to map its matches back."""

    artifact: Artifact
    scanned: str
    """The path given to semgrep: the artifact's own, or a view in the scratch folder."""
    view: View | None


class SemgrepEngine:
    """Runs semgrep checks; see the module docstring."""

    name = "semgrep"

    def __init__(self, settings: SemgrepSettings, severities: Mapping[str, Severity]) -> None:
        """Create the engine; ``severities`` gives each control's severity by id."""
        self.settings = settings
        self.severities = severities
        self.version: str | None = None

    def run(
        self, checks: Sequence[Check], inventory: Inventory, workspace: Workspace
    ) -> EngineOutput:
        """Run all semgrep ``checks`` over the inventory in one semgrep process."""
        if not checks:
            return EngineOutput()
        kinds = {kind for check in checks for kind in check.kinds}
        targets, errors = self._targets(inventory.of_kind(*kinds), workspace, checks)
        if not targets:
            return EngineOutput(errors=tuple(errors))
        rules_file = workspace.scratch / "semgrep-rules.yaml"
        rules = [build_rule(check, self.severities[check.control_id]) for check in checks]
        rules_file.write_text(json.dumps({"rules": rules}, indent=1), encoding="utf-8")
        binary = find_binary(self.settings)
        by_scanned = {_normal(t.scanned): t for t in targets}
        by_id = {check.id: check for check in checks}
        hits: list[Hit] = []
        for batch in batches([t.scanned for t in targets]):
            result = self._run_batch(binary, rules_file, batch, workspace)
            if result.output is None:
                errors.append(_process_error(result, checks))
                continue
            self.version = self.version or result.output.get("version")
            _raise_rule_errors(result.output, by_id)
            hits.extend(self._hits(result.output, by_scanned, by_id, workspace))
            errors.extend(self._errors(result.output, by_scanned, checks, workspace.root))
        return EngineOutput(tuple(hits), tuple(errors))

    def _run_batch(
        self, binary: Path, rules_file: Path, batch: list[str], workspace: Workspace
    ) -> RunResult:
        mode = self.settings.mode
        result = run_semgrep(
            binary,
            rules_file,
            batch,
            workspace.root,
            workspace.scratch,
            self.settings,
            experimental=mode != "pysemgrep",
        )
        if result.output is None and mode == "auto" and result.returncode > 0:
            result = run_semgrep(
                binary,
                rules_file,
                batch,
                workspace.root,
                workspace.scratch,
                self.settings,
                experimental=False,
            )
        return result

    def _targets(
        self, artifacts: Iterable[Artifact], workspace: Workspace, checks: Sequence[Check]
    ) -> tuple[list[_Target], list[ScanError]]:
        targets: list[_Target] = []
        errors: list[ScanError] = []
        views_root = workspace.scratch / "views"
        for number, artifact in enumerate(artifacts):
            try:
                view = view_for(artifact, workspace.root)
            except (ViewError, OSError, UnicodeDecodeError) as exc:
                errors.append(_view_error(artifact, exc, checks))
                continue
            if view is None:
                targets.append(_Target(artifact, artifact.path, None))
                continue
            folder = views_root / str(number)
            folder.mkdir(parents=True, exist_ok=True)
            scanned = folder / view.file_name
            scanned.write_text(view.text, encoding="utf-8")
            targets.append(_Target(artifact, str(scanned), view))
        return targets, errors

    def _hits(
        self,
        output: Mapping[str, Any],
        by_scanned: Mapping[str, _Target],
        by_id: Mapping[str, Check],
        workspace: Workspace,
    ) -> Iterable[Hit]:
        texts: dict[str, bytes] = {}
        for result in output.get("results", []):
            check = by_id.get(str(result.get("check_id", "")).rsplit(".", 1)[-1])
            target = by_scanned.get(_normal(str(result.get("path", ""))))
            if check is None or target is None:
                continue
            artifact = target.artifact
            if artifact.kind not in check.kinds or not PathFilter.of(check).allows(artifact.path):
                continue
            start, end = result.get("start", {}), result.get("end", {})
            location = _location(target, start, end)
            if target.scanned not in texts:
                texts[target.scanned] = _read_scanned(target, workspace.root)
            snippet = _snippet(texts[target.scanned], start, end)
            message = str(result.get("extra", {}).get("message") or check.message)
            yield Hit(
                check.control_id, check.id, location, " ".join(message.split()), None, snippet
            )

    def _errors(
        self,
        output: Mapping[str, Any],
        by_scanned: Mapping[str, _Target],
        checks: Sequence[Check],
        workspace_root: Path,
    ) -> Iterable[ScanError]:
        for error in output.get("errors", []):
            kind_of_error = error.get("type")
            label = kind_of_error[0] if isinstance(kind_of_error, list) else str(kind_of_error)
            target = by_scanned.get(_normal(str(error.get("path", ""))))
            message = " ".join(str(error.get("message", label)).split())
            rule_id = error.get("rule_id")
            if target is None:
                affected = [c for c in checks if not rule_id or c.id == rule_id]
                yield ScanError(
                    "semgrep",
                    _error_kind(label),
                    message,
                    control_ids=_control_ids(affected),
                    level=ErrorLevel.ERROR,
                )
                continue
            artifact = target.artifact
            affected = [
                c
                for c in checks
                if artifact.kind in c.kinds
                and (not rule_id or c.id == rule_id)
                and PathFilter.of(c).allows(artifact.path)
            ]
            if not affected:
                continue
            partial = label == "PartialParsing"
            line = _error_line(error, target)
            yield ScanError(
                "semgrep",
                "partial-parse" if partial else _error_kind(label),
                _rewrite_paths(message, target),
                path=artifact.path,
                line=line,
                control_ids=_control_ids(affected),
                level=ErrorLevel.WARNING if partial else ErrorLevel.ERROR,
                hint=_hint(label, target, workspace_root),
            )


def view_for(artifact: Artifact, root: Path) -> View | None:
    """Return the view semgrep should scan instead of the file, or None to scan it as is."""
    pure = PurePosixPath(artifact.path)
    name = pure.name
    if artifact.kind is ArtifactKind.NOTEBOOK:
        raw = (root / artifact.path).read_text(encoding="utf-8")
        return notebook_view(raw, pure.stem)
    if artifact.kind is ArtifactKind.KUBERNETES and artifact.format in TEMPLATE_FORMATS:
        text = (root / artifact.path).read_text(encoding="utf-8")
        return helm_view(text, "template.yaml")
    identity_name = None
    if artifact.kind is ArtifactKind.DOCKERFILE and not _SEMGREP_DOCKERFILE.match(name):
        identity_name = "Dockerfile"
    elif artifact.kind is ArtifactKind.PYTHON and pure.suffix.lower() not in {
        ".py",
        ".pyi",
        ".pyw",
    }:
        identity_name = "script.py"
    elif artifact.kind is ArtifactKind.SHELL and pure.suffix.lower() not in {".sh", ".bash"}:
        identity_name = "script.sh"
    elif name.lower().endswith((".j2", ".tpl")) and pure.stem.lower().endswith((".yaml", ".yml")):
        identity_name = "file.yaml"
    if identity_name is None:
        return None
    text = (root / artifact.path).read_text(encoding="utf-8", errors="replace")
    return View(text, identity_name)


def _location(target: _Target, start: Mapping[str, Any], end: Mapping[str, Any]) -> Location:
    start_line, end_line = int(start.get("line", 1)), int(end.get("line", 1))
    start_col, end_col = start.get("col"), end.get("col")
    if target.view is None or target.view.origins is None:
        return Location(target.artifact.path, start_line, start_col, end_line, end_col)
    first = target.view.origin(start_line)
    last = target.view.origin(end_line)
    if first.cell is not None:
        # a notebook: columns refer to the cell line, not to the raw JSON line
        return Location(target.artifact.path, first.line, None, last.line, None, first.cell)
    return Location(target.artifact.path, first.line, start_col, last.line, end_col)


def _read_scanned(target: _Target, root: Path) -> bytes:
    if target.view is not None:
        return target.view.text.encode("utf-8")
    try:
        return (root / target.artifact.path).read_bytes()
    except OSError:
        return b""


def _snippet(text: bytes, start: Mapping[str, Any], end: Mapping[str, Any]) -> str | None:
    """Slice the match out of the scanned text (semgrep's own snippet needs a login)."""
    begin, finish = start.get("offset"), end.get("offset")
    if not isinstance(begin, int) or not isinstance(finish, int) or finish < begin:
        return None
    line_start = text.rfind(b"\n", 0, begin) + 1
    line_end = text.find(b"\n", finish)
    chunk = text[line_start : line_end if line_end >= 0 else len(text)]
    snippet = chunk.decode("utf-8", errors="replace").rstrip()
    if len(snippet) > _MAX_SNIPPET:
        snippet = snippet[:_MAX_SNIPPET] + " …"
    return redact(snippet)


def _normal(path: str) -> str:
    pure = str(PurePosixPath(path))
    return pure[2:] if pure.startswith("./") else pure


def _control_ids(checks: Iterable[Check]) -> tuple[str, ...]:
    return tuple(sorted({check.control_id for check in checks}))


def _error_kind(label: str) -> str:
    lowered = label.lower()
    if "timeout" in lowered:
        return "timeout"
    if "memory" in lowered:
        return "out-of-memory"
    if "syntax" in lowered or "lexical" in lowered or "parse" in lowered:
        return "parse-error"
    return "engine-error"


def _error_line(error: Mapping[str, Any], target: _Target) -> int | None:
    spans = error.get("spans") or []
    if spans and isinstance(spans[0], dict):
        line = spans[0].get("start", {}).get("line")
        if isinstance(line, int):
            return target.view.origin(line).line if target.view else line
    return None


def _rewrite_paths(message: str, target: _Target) -> str:
    """Replace scratch view paths in semgrep's message with the user's file path."""
    return message.replace(target.scanned, target.artifact.path)


def _hint(label: str, target: _Target, root: Path) -> str:
    artifact = target.artifact
    kind = _error_kind(label)
    if kind == "timeout":
        return f"analysis took too long; split the file or leave it out: --exclude {artifact.path}"
    if kind == "partial-parse" or label == "PartialParsing":
        return "part of the file could not be parsed and was not checked; fix its syntax"
    if kind == "parse-error":
        if _valid_python(target, root):
            return (
                "the file is valid Python that semgrep's parser cannot read (a semgrep "
                "limitation, often recent syntax such as match statements); its code checks "
                f"did not run. Review it by hand, or leave it out: --exclude {artifact.path}"
            )
        return f"fix the syntax, or leave the file out with --exclude {artifact.path}"
    return "re-run with --verbose and report the problem if it persists"


def _valid_python(target: _Target, root: Path) -> bool:
    """Return True when Python's own parser accepts the scanned text (nothing is executed)."""
    if target.artifact.kind not in (ArtifactKind.PYTHON, ArtifactKind.NOTEBOOK):
        return False
    source = target.view.text if target.view is not None else _read_scanned(target, root)
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _view_error(artifact: Artifact, exc: Exception, checks: Sequence[Check]) -> ScanError:
    message = exc.message if isinstance(exc, ViewError) else str(exc)
    line = exc.line if isinstance(exc, ViewError) else None
    affected = [c for c in checks if artifact.kind in c.kinds]
    return ScanError(
        "semgrep",
        "parse-error",
        f"cannot read {artifact.kind.value} file: {message}",
        path=artifact.path,
        line=line,
        control_ids=_control_ids(affected),
        hint="repair the file (for a notebook: open and save it in Jupyter), or exclude it",
    )


def _process_error(result: RunResult, checks: Sequence[Check]) -> ScanError:
    tail = result.stderr.strip().splitlines()[-5:]
    if result.returncode < 0:
        why = f"semgrep was stopped by signal {-result.returncode}"
    else:
        why = f"semgrep exited with code {result.returncode} without a usable result"
    details = (": " + " | ".join(tail)) if tail else ""
    return ScanError(
        "semgrep",
        "engine-failed",
        why + details,
        control_ids=_control_ids(checks),
        hint="every semgrep-based control is unverified; check the semgrep installation and re-run",
    )


def _raise_rule_errors(output: Mapping[str, Any], by_id: Mapping[str, Check]) -> None:
    problems: list[PolicyError] = []
    for error in output.get("errors", []):
        label = error.get("type")
        if not isinstance(label, str) or "rule" not in label.lower():
            continue
        check = by_id.get(str(error.get("rule_id", "")).rsplit(".", 1)[-1])
        message = " ".join(str(error.get("message", label)).split())
        if check is None:
            problems.append(PolicyError(f"semgrep rejects a rule: {message}", path="semgrep rules"))
            continue
        problems.append(
            PolicyError(
                f"semgrep rejects the rule of check {check.id!r}: {message}",
                path=check.file,
                line=check.rule_line,
                hint="fix the pattern; `semgrep --test` on the fixtures shows what it matches",
            )
        )
    if problems:
        raise PolicyErrors(problems)


def check_rules(policy: Policy, settings: SemgrepSettings) -> None:
    """Compile every semgrep rule of ``policy`` with semgrep; raise PolicyErrors on rejection."""
    checks = policy.checks("semgrep")
    if not checks:
        return
    severities = {control.id: control.meta.severity for control in policy.controls}
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-validate-") as scratch:
        folder = Path(scratch)
        rules_file = folder / "rules.yaml"
        rules = [build_rule(check, severities[check.control_id]) for check in checks]
        rules_file.write_text(json.dumps({"rules": rules}), encoding="utf-8")
        (folder / "probe.py").write_text("pass\n", encoding="utf-8")
        result = run_semgrep(
            find_binary(settings),
            rules_file,
            ["probe.py"],
            folder,
            folder,
            settings,
            experimental=settings.mode != "pysemgrep",
        )
        if result.output is None:
            raise EngineUnavailableError(
                f"semgrep could not compile the rules (exit {result.returncode}): "
                + " | ".join(result.stderr.strip().splitlines()[-3:])
            )
        _raise_rule_errors(result.output, {check.id: check for check in checks})
