"""The bundled pack's files known valid, shipped with the package: a cold scan need not check them.

A scan with a result cache validates a control file once and remembers its key (a digest of
the file's bytes and of everything its validity depends on: :func:`.loader.load_policy`); a
scan with a cold cache, or with ``--no-cache``, checked every file of the bundled pack against
the schemas again (about 0.6 CPU-s, most of it jsonschema, on the critical path of every cold
and diff scan: benchmarks/README.md, session 32). :data:`KNOWN_VALID_FILE` lists the keys of the
bundled pack's files as the project's own test suite found them valid, and
:class:`KnownValidMemo` answers "valid" for those keys.

The keys are content addresses, so a seed can never make a file valid that is not: a control
whose bytes differ from the ones recorded (edited in place, another pack, another schema or
analyzer parameter schema) has another key and is checked in full. A seed that no longer
matches the pack only costs the time it saved; ``tests/test_known_valid.py`` fails then and
names the command that writes it again (``python scripts/known_valid.py``).
``mlsec-policy validate`` and ``policy test`` never consult it: they check every file.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from mlsec_policy.policy.loader import ValidationMemo, load_policy
from mlsec_policy.policy.model import ParamsReader

KNOWN_VALID_FILE = Path(__file__).with_name("known_valid.txt")
"""One key per line, sorted; lines starting with ``#`` are comments."""
HEADER = (
    "# Keys of the bundled pack's files found valid (mlsec_policy.policy.known_valid).\n"
    "# Written by: python scripts/known_valid.py — do not edit by hand.\n"
)


@cache
def shipped_keys() -> frozenset[str]:
    """Return the keys the shipped list holds (none when the file is missing or unreadable)."""
    try:
        text = KNOWN_VALID_FILE.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


class KnownValidMemo:
    """A :class:`~.loader.ValidationMemo` that knows the seed's keys, then asks ``inner``."""

    def __init__(self, inner: ValidationMemo | None, seed: frozenset[str] | None = None) -> None:
        """Answer from ``seed`` (the shipped keys by default), then from ``inner`` when given."""
        self.inner = inner
        self.seed = shipped_keys() if seed is None else seed

    def known_valid(self, key: str) -> bool:
        """Return True when the seed lists the key or ``inner`` found it valid before."""
        if key in self.seed:
            return True
        return self.inner is not None and self.inner.known_valid(key)

    def remember_valid(self, key: str) -> None:
        """Record a key found valid in ``inner`` (the seed is never written by a scan)."""
        if self.inner is not None and key not in self.seed:
            self.inner.remember_valid(key)


class _Recorder:
    """A memo that knows nothing, so every file is checked, and keeps the keys found valid."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def known_valid(self, key: str) -> bool:
        return False

    def remember_valid(self, key: str) -> None:
        self.keys.add(key)


def recorded(analyzers: Mapping[str, ParamsReader]) -> str:
    """Return the seed's text for the bundled pack as it is: every file checked in full.

    Raises :class:`~mlsec_policy.errors.PolicyErrors` when the pack is not valid (no seed is
    written for a pack that does not load).
    """
    recorder = _Recorder()
    load_policy(("builtin",), analyzers, recorder)
    return HEADER + "".join(f"{key}\n" for key in sorted(recorder.keys))
