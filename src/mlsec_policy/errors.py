"""The exception family for fatal problems, and the process exit codes.

Problems with a single file or engine are not exceptions: they are ``ScanError`` values carried
in the report. Exceptions here stop the command, and each one knows its exit code and how to
explain itself to a person.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; a contract with CI systems (DESIGN.md §5)."""

    OK = 0
    """No failing control at or above the ``--fail-on`` threshold."""
    FAILED = 1
    """At least one control failed at or above the threshold."""
    USAGE = 2
    """Bad command line, invalid policy pack or invalid configuration."""
    INCOMPLETE = 3
    """The scan could not finish: an engine or a check errored."""


class MlsecPolicyError(Exception):
    """Base of every fatal error; carries an exit code and human guidance."""

    exit_code: ExitCode = ExitCode.INCOMPLETE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> str:
        """Return the message and, when there is one, a line saying how to fix it."""
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class UsageError(MlsecPolicyError):
    """The command line asks for something impossible or contradictory."""

    exit_code = ExitCode.USAGE


class PolicyError(MlsecPolicyError):
    """One problem in a policy pack, located at ``path:line:column``."""

    exit_code = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        *,
        path: str,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.line = line
        self.column = column

    @property
    def location(self) -> str:
        """Return ``path:line:column`` with whatever parts are known."""
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def diagnostics(self) -> str:
        """Return ``path:line:column: message`` and the hint on its own line."""
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class PolicyErrors(MlsecPolicyError):
    """Several policy problems found in one pass, reported together."""

    exit_code = ExitCode.USAGE

    def __init__(self, errors: list[PolicyError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the policy")
        self.errors = errors

    def diagnostics(self) -> str:
        """Return every problem, one ``path:line:column: message`` block each."""
        return "\n".join(error.diagnostics() for error in self.errors)


class ConfigError(PolicyError):
    """A problem in a repository configuration file (same shape as a policy error)."""


class ConfigErrors(PolicyErrors):
    """Several configuration problems found in one pass, reported together."""

    def __init__(self, errors: list[PolicyError]) -> None:
        MlsecPolicyError.__init__(self, f"{len(errors)} problem(s) in the configuration")
        self.errors = errors


class TargetError(MlsecPolicyError):
    """The scan target does not exist or cannot be read at all."""

    exit_code = ExitCode.USAGE


class EngineUnavailableError(MlsecPolicyError):
    """A required engine (the semgrep binary) is missing or does not start."""

    exit_code = ExitCode.INCOMPLETE
