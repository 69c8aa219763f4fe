"""The options a scan runs with, gathered once by the command line and passed down."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlsec_policy.config.model import RepoConfig
from mlsec_policy.models import Attestation, NonProduct, Severity, Waiver
from mlsec_policy.pathclass import PathClasses
from mlsec_policy.suppress.baseline import Baseline


@dataclass(frozen=True, slots=True)
class SemgrepSettings:
    """How to run semgrep."""

    binary: Path | None = None
    """The semgrep executable; found next to our interpreter or on PATH when None."""
    mode: str = "auto"
    """``osemgrep`` (fast start), ``pysemgrep`` (classic) or ``auto`` (osemgrep, falling back)."""
    jobs: int = 2
    timeout: int = 30
    """Seconds per rule and file before semgrep gives up on that file."""
    max_memory_mb: int = 4096
    """Memory cap per file analysis."""
    process_timeout: int = 3600
    """Seconds before the whole semgrep process is stopped."""


DEFAULT_CACHE_MB = 512
"""The default bound of the result cache, in MiB."""


@dataclass(frozen=True, slots=True)
class CacheSettings:
    """Where per-file results are kept between scans, and how much room they may take."""

    directory: Path
    max_bytes: int = DEFAULT_CACHE_MB * 1024 * 1024
    """Least recently used entries are evicted once the store holds more than this."""


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """Everything that decides what a scan does. Only the CLI reads the environment."""

    target: Path
    display_target: str = ""
    """The target as the user typed it, for reports (defaults to the path)."""
    policies: tuple[str, ...] = ("builtin",)
    excludes: tuple[str, ...] = ()
    fail_on: Severity = Severity.LOW
    semgrep: SemgrepSettings = field(default_factory=SemgrepSettings)
    source_date_epoch: int | None = None
    """Pins every timestamp (reproducible reports)."""
    disable: tuple[str, ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    attestations: Mapping[str, Attestation] = field(default_factory=dict)
    only_controls: tuple[str, ...] = ()
    """When set, evaluate only these controls (used by ``policy test``)."""
    fail_on_attestation: bool = False
    hash_cache: Path | None = None
    """File where file digests are cached between scans (None: no cache)."""
    cache: CacheSettings | None = None
    """Keep per-file engine results between scans here (None: every file is scanned)."""
    progress: Callable[[str], None] | None = None
    """Called with a short message as each stage starts."""
    tick: Callable[[int, int], None] | None = None
    """Called as the native analyzers (which hash model files) finish each file: files done,
    files in all (progress bars and log lines)."""
    notice: Callable[[str], None] | None = None
    """Called at once with a problem the user should see before the scan ends (a rule that
    was stopped on a file); the scan goes on."""
    config: RepoConfig | None = None
    """The repository configuration the other settings were merged from, if one was read."""
    waivers: tuple[Waiver, ...] = ()
    inline_suppressions: bool = True
    """Honour ``mlsec-policy: ignore[...]`` comments (``--no-inline-suppressions`` turns off)."""
    baseline: Baseline | None = None
    """Accept the findings this baseline records."""
    diff_base: str | None = None
    """Report only findings on lines changed since this git revision."""
    only_paths: tuple[str, ...] = ()
    """Report only findings in these files (the pre-commit hook)."""
    non_product: NonProduct = NonProduct.MARK
    """What to do with findings in test, example and docs paths (mark, gate or hide)."""
    path_classes: PathClasses = field(default_factory=PathClasses)
    """How paths are recognised as test, example or docs code."""
    propose_fixes: bool = False
    """Attach to each active finding the automatic fix its check declares (``fix``, ``--fix``,
    the console's count of fixable findings, SARIF ``fixes``)."""
