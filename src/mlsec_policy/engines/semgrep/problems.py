"""What went wrong, for a person: semgrep's errors and failures, and rules semgrep rejects.

A problem with one file becomes a ScanError on the controls that needed that file, with a hint;
a failed semgrep process makes every semgrep-based control unverified; a rule semgrep rejects
is a PolicyError at the line of the check that holds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from mlsec_policy.engines.semgrep.process import RunResult
from mlsec_policy.engines.semgrep.target import (
    TEXT_LANGUAGES,
    Target,
    normal,
    read_scanned,
    rule_languages,
    scanned_language,
)
from mlsec_policy.errors import PolicyError, PolicyErrors
from mlsec_policy.models import Artifact, ArtifactKind, ErrorLevel, ScanError
from mlsec_policy.pathmatch import PathFilter
from mlsec_policy.policy.model import SemgrepCheck
from mlsec_policy.pyparse import syntax_tree
from mlsec_policy.redact import redact
from mlsec_policy.views import ViewError


def scan_errors(
    output: Mapping[str, Any],
    by_scanned: Mapping[str, Target],
    checks: Sequence[SemgrepCheck],
    root: Path,
    timeout: int,
    gates: Mapping[str, frozenset[str]] | None = None,
) -> Iterable[ScanError]:
    """Turn the errors of semgrep's output into ScanErrors on the controls they concern.

    ``timeout`` is the limit semgrep ran with (seconds per rule and file), for the messages.
    ``gates`` gives, by scanned path, the ids of the rules that pass the target's gate
    (:mod:`.gates`): a syntax error concerns only those, since a rule that cannot match the
    text whatever its parse is verified on the file (None: every rule of the language).
    """
    for error in output.get("errors", []):
        kind_of_error = error.get("type")
        label = kind_of_error[0] if isinstance(kind_of_error, list) else str(kind_of_error)
        target = by_scanned.get(normal(str(error.get("path", ""))))
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
        partial = label == "PartialParsing"
        parsing = partial or _error_kind(label) == "parse-error"
        affected = [
            c
            for c in checks
            if artifact.kind in c.kinds
            and (not rule_id or c.id == rule_id)
            and PathFilter.of(c).allows(artifact.path)
            and (not parsing or _parses(c, target))
            and (not parsing or gates is None or c.id in gates.get(target.scanned, ()))
        ]
        if not affected:
            continue
        line = _error_line(error, target)
        if partial and not _is_text(target, root):
            partial, label = False, NOT_TEXT  # "partly parsed" binary: none of it was checked
        kind = "partial-parse" if partial else _error_kind(label)
        if kind in LIMIT_KINDS and rule_id:
            message = _limit_message(kind, str(rule_id), affected, artifact.path, timeout)
        yield ScanError(
            "semgrep",
            kind,
            _rewrite_paths(message, target),
            path=artifact.path,
            line=line,
            control_ids=_control_ids(affected),
            level=ErrorLevel.WARNING if partial else ErrorLevel.ERROR,
            hint=_hint(label, target, root, affected),
        )


def _parses(check: SemgrepCheck, target: Target) -> bool:
    """Return True when the check's rule parses the target in the language of its error.

    A JSON syntax error concerns the JSON rules only: the Python, YAML and plain-text rules of
    the same controls did not need to parse that file, so their controls are not unverified.
    """
    wanted = rule_languages(check.rule)
    if wanted is None:
        return True
    if wanted <= TEXT_LANGUAGES:
        return False
    language = scanned_language(target.scanned)
    return language is None or language in wanted


NOT_TEXT = "NotText: syntax error"
"""Our label for a file semgrep called partly parsed that is not UTF-8 text at all."""

LIMIT_KINDS = frozenset({"timeout", "out-of-memory"})
"""Error kinds where one rule gave up on one file and semgrep went on with the rest."""


def _limit_message(
    kind: str, rule_id: str, affected: Sequence[SemgrepCheck], path: str, timeout: int
) -> str:
    rule = rule_id.rsplit(".", 1)[-1]
    controls = ", ".join(_control_ids(affected)) or "no control"
    what = f"took longer than {timeout} s" if kind == "timeout" else "ran out of memory"
    return (
        f"semgrep rule {rule} ({controls}) {what} on {path} and was stopped; "
        "the other rules ran on this file"
    )


def _control_ids(checks: Iterable[SemgrepCheck]) -> tuple[str, ...]:
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


def _error_line(error: Mapping[str, Any], target: Target) -> int | None:
    spans = error.get("spans") or []
    if spans and isinstance(spans[0], dict):
        line = spans[0].get("start", {}).get("line")
        if isinstance(line, int):
            return target.view.origin(line).line if target.view else line
    return None


def _rewrite_paths(message: str, target: Target) -> str:
    """Replace scratch view paths in semgrep's message with the user's file path."""
    return message.replace(target.scanned, target.artifact.path)


def _hint(label: str, target: Target, root: Path, affected: Sequence[SemgrepCheck]) -> str:
    artifact = target.artifact
    kind = _error_kind(label)
    controls = " ".join(f"--disable {control}" for control in _control_ids(affected))
    if kind == "timeout":
        return (
            "raise the limit with --timeout SECONDS (it applies to every rule on every file); "
            "a check cannot leave out one file only: --exclude drops the file from every "
            f"check, {controls or '--disable'} drops the control everywhere. A rule that is "
            "slow on an ordinary file is a defect: please report it"
        )
    if kind == "out-of-memory":
        return (
            "semgrep gives each rule a fixed amount of memory per file; a check cannot leave "
            "out one file only: --exclude drops the file from every check, "
            f"{controls or '--disable'} drops the control everywhere. Please report the rule "
            "and the file"
        )
    if label == NOT_TEXT:
        return (
            "the file holds binary bytes, or text in UTF-16 or UTF-32, under a source file's "
            "name: none of it was checked. Convert it to UTF-8, or leave it out: "
            f"--exclude {artifact.path}"
        )
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


def _is_text(target: Target, root: Path) -> bool:
    """Return True when the scanned bytes are UTF-8 text without NUL bytes.

    Semgrep reports binary bytes, or source in UTF-16 or UTF-32, under a source name as only
    partly parsed, yet none of the file's code was checked: that is an error, not a warning.
    """
    data = read_scanned(target, root)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _valid_python(target: Target, root: Path) -> bool:
    """Return True when Python's own parser accepts the scanned text (nothing is executed)."""
    if target.artifact.kind not in (ArtifactKind.PYTHON, ArtifactKind.NOTEBOOK):
        return False
    source = target.view.text if target.view is not None else read_scanned(target, root)
    try:
        syntax_tree(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def view_error(artifact: Artifact, exc: Exception, checks: Sequence[SemgrepCheck]) -> ScanError:
    """Return the problem of a file that could not be turned into the view semgrep needs."""
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


def process_error(
    result: RunResult, checks: Sequence[SemgrepCheck], target: Target | None = None
) -> ScanError:
    """Return the problem of a semgrep process that gave no usable result.

    ``target`` is the one file the process ran on, when it was run alone to isolate a file
    that sinks semgrep: the error then names that file and the controls that needed it.
    """
    tail = result.stderr.strip().splitlines()[-5:]
    if result.returncode < 0:
        why = f"semgrep was stopped by signal {-result.returncode}"
    else:
        why = f"semgrep exited with code {result.returncode} without a usable result"
    details = (": " + " | ".join(tail)) if tail else ""
    if target is not None:
        artifact = target.artifact
        affected = [c for c in checks if artifact.kind in c.kinds]
        return ScanError(
            "semgrep",
            "engine-failed",
            redact(_rewrite_paths(why + " on this file alone" + details, target)),
            path=artifact.path,
            control_ids=_control_ids(affected),
            hint="the other files were scanned without it; this file's code checks did not "
            f"run. Review it by hand, or leave it out: --exclude {artifact.path}",
        )
    return ScanError(
        "semgrep",
        "engine-failed",
        redact(why + details),
        control_ids=_control_ids(checks),
        hint="every semgrep-based control is unverified; check the semgrep installation and re-run",
    )


def raise_rule_errors(output: Mapping[str, Any], by_id: Mapping[str, SemgrepCheck]) -> None:
    """Raise PolicyErrors, at each check's rule, when semgrep's output rejects rules."""
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
