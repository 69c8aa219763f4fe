"""Which paths hold test, example or documentation code rather than the product.

Findings there are kept and marked (:class:`~mlsec_policy.models.PathClass`); what a scan then
does with them is the ``non-product`` setting. The built-in rules read names only:

- *test*: a folder named ``test``, ``tests``, ``testing``, ``unittests``, ``e2e``,
  ``testdata``, or one whose name starts ``test_``/``tests_`` or ends ``_test``/``_tests``
  (``-`` counts like ``_``); a file ``test_*.py``, ``*_test.py``, ``*_tests.py``,
  ``tests.py``, ``conftest.py``, ``*_test.go``, ``*.test.js``/``*.spec.ts`` and the like;
- *example*: a folder named ``example(s)``, ``sample(s)``, ``tutorial(s)`` or ``cookbook(s)``,
  or ending ``_examples`` (``sagemaker_examples``);
- *docs*: a folder named ``doc``, ``docs`` or ``documentation``, or ending ``_doc(s)``.

A folder must be *named* for its role: ``example_selector/`` and ``doc_parser/`` are product
code, and so are ``notebooks/``, ``demo/``, ``scripts/`` and ``benchmarks/`` (in a research
repository the notebooks are the product). The outermost classed folder decides
(``examples/tests/x.py`` is example code). A repository adds its own patterns per class and
names paths that are product code whatever their names say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlsec_policy.models import Finding, NonProduct, PathClass
from mlsec_policy.pathmatch import build_filter

_FOLDERS: tuple[tuple[PathClass, re.Pattern[str]], ...] = (
    (
        PathClass.TEST,
        re.compile(r"(?:tests?|testing|unittests|e2e|testdata|tests?[-_].+|.+[-_]tests?)"),
    ),
    (PathClass.EXAMPLE, re.compile(r"(?:examples?|samples?|tutorials?|cookbooks?|.+[-_]examples)")),
    (PathClass.DOCS, re.compile(r"(?:docs?|documentation|.+[-_]docs?)")),
)
_TEST_FILES = re.compile(
    r"(?:test_.+|.+_tests?|tests|conftest)\.py|.+_test\.go|.+\.(?:test|spec)\.[cm]?[jt]sx?"
)


@dataclass(frozen=True, slots=True)
class PathClasses:
    """How paths are classed: the built-in rules, a repository's own patterns, product paths."""

    builtin: bool = True
    """Apply the built-in name rules (the patterns below are always applied)."""
    test: tuple[str, ...] = ()
    """gitignore-style patterns of more test code."""
    example: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    product: tuple[str, ...] = ()
    """Paths that are product code whatever their names say (checked first)."""

    def classify(self, path: str) -> PathClass | None:
        """Return the class of a relative POSIX path, or None for product code."""
        if path in ("", ".") or _matches(self.product, path):
            return None
        for kind, patterns in (
            (PathClass.TEST, self.test),
            (PathClass.EXAMPLE, self.example),
            (PathClass.DOCS, self.docs),
        ):
            if _matches(patterns, path):
                return kind
        return builtin_class(path) if self.builtin else None


def builtin_class(path: str) -> PathClass | None:
    """Return the class the built-in name rules give ``path``, or None."""
    parts = PurePosixPath(path).parts
    for folder in parts[:-1]:
        name = folder.lower()
        for kind, pattern in _FOLDERS:
            if pattern.fullmatch(name):
                return kind
    if parts and _TEST_FILES.fullmatch(parts[-1].lower()):
        return PathClass.TEST
    return None


def _matches(patterns: tuple[str, ...], path: str) -> bool:
    return bool(patterns) and build_filter(patterns, ()).allows(path)


def non_product_note(findings: Sequence[Finding], mode: NonProduct) -> list[str]:
    """Return the report note saying what the scan did with findings in non-product paths."""
    marked = [f for f in findings if f.path_class is not None and f.suppression is None]
    if not marked:
        return []
    what = f"{len(marked)} finding(s) are in test, example or docs paths"
    return [
        {
            NonProduct.MARK: f"{what}: marked, and they do not count toward --fail-on "
            "(except for controls that gate everywhere; 'non-product: gate' counts them all)",
            NonProduct.GATE: f"{what}: marked, and they count toward --fail-on",
            NonProduct.HIDE: f"{what}: left out of this report, except for controls that "
            "gate everywhere ('non-product: hide')",
        }[mode]
    ]
