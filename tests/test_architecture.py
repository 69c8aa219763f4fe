"""The package tree keeps its shape: layered imports, small modules, registered analyzers.

The import contract, from the bottom up (each line may use the lines above it, never below):

    L0  models, errors, the package itself
    L1  yamlpos, schema_check, resources, pathmatch, pathclass, redact, fingerprint, timeinfo,
        textfile, secret_formats, atomicfile, pyparse, pyliterals, views, outcome; cache (the
        result store: keys, entries, eviction, read-once digests; models, redact and atomicfile
        only)
    L2  classify, discover
        analyzers.base / .params / .reads / .listing (the contract), analyzers.read,
        analyzers.patterns
        analyzers.<domain>: contract, read, patterns and L0-L2; never another domain
        analyzers (the registry): the domains (imported on first use), L0
    L3  policy, config, suppress, findings, evaluate, options; frameworks (reads the policy)
        engines: the analyzer contract, the policy model, options, the cache, L0-L1
    L4  report: models, outcome, schema_check; rollup (many reports merged into one
        organisation record): report and schema_check
    L5  firstmatch (a diff scan's scope and evidence checks stop at their first match),
        diffscope (which controls a diff scan runs on which files), diffrun (how it runs them),
        advisory_use (which controls read the advisory snapshot) and scan wire the stages;
        policytest runs scans; cli runs everything

The table below spells that out per component. Imports are read with ``ast`` from every
module, at any depth (inside functions, ``if TYPE_CHECKING:`` blocks), absolute or relative.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.analyzers as registry
from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.policy import load_policy
from tests.conftest import REPO, write_tree

SRC = REPO / "src"
PACKAGE = "mlsec_policy"
MAX_LINES = 400

HELPERS = frozenset(
    {
        "yamlpos",
        "schema_check",
        "resources",
        "pathmatch",
        "pathclass",
        "redact",
        "fingerprint",
        "timeinfo",
        "textfile",
        "secret_formats",
        "atomicfile",
        "gitsafe",
        "pyparse",
        "pyliterals",
    }
)
"""Small shared modules of layer 1 (besides views and outcome)."""
BASE = frozenset({"package", "models", "errors"})
L1 = BASE | HELPERS | {"views", "outcome"}
L2 = L1 | {"classify", "discover"}
ANALYZER_SUPPORT = frozenset({"analyzers.contract", "analyzers.read", "analyzers.patterns"})
POLICY_MODEL = frozenset({"policy.model", "policy.semgrep_rules"})
"""The parts of ``policy`` that describe loaded checks; lower layers may read these only."""

ALLOWED: Mapping[str, frozenset[str]] = {
    "package": frozenset(),
    "models": frozenset(),
    "errors": frozenset(),
    **dict.fromkeys(HELPERS, BASE | HELPERS),
    "views": BASE | HELPERS,
    "outcome": BASE,
    # the result cache stores models (target text scrubbed, as every report shows it); the
    # engines decide what a key holds and what is kept
    "cache": BASE | {"redact", "atomicfile"},
    "classify": L1,
    "discover": L1 | {"classify"},
    "analyzers.contract": BASE,
    "analyzers.read": L2 | {"analyzers.contract"},
    "analyzers.patterns": L2 | {"analyzers.contract"},
    "analyzers.domain": L2 | ANALYZER_SUPPORT,
    # the registry: its domains, and the value types of the functions it imports on first use
    "analyzers": BASE | {"analyzers.contract", "analyzers.domain"},
    "policy.model": BASE,
    "policy.semgrep_rules": BASE | {"policy.model"},
    "policy": L1 | POLICY_MODEL,
    # compliance frameworks name the packs' controls: they are read after the policy
    "frameworks": L1 | POLICY_MODEL | {"policy"},
    "config": L1 | POLICY_MODEL | {"policy"},
    "suppress": L1,
    "findings": L1 | POLICY_MODEL,
    "evaluate": L1 | POLICY_MODEL | {"findings"},
    "options": BASE | {"config", "suppress", "pathclass"},
    "engines": L1 | POLICY_MODEL | {"analyzers.contract", "options", "cache"},
    "report": BASE | {"outcome", "schema_check"},
    # the organisation roll-up reads verified JSON reports; it never scans
    "rollup": BASE | {"report", "schema_check"},
    "firstmatch": L1 | {"analyzers.contract", "engines", "policy"} | POLICY_MODEL,
    "diffscope": L1
    | {"analyzers.contract", "analyzers.domain", "engines", "policy", "suppress", "firstmatch"}
    | POLICY_MODEL,
    "diffrun": L1 | {"engines", "firstmatch", "diffscope"} | POLICY_MODEL,
    "scan": L2
    | {
        "analyzers",
        "policy",
        "config",
        "suppress",
        "findings",
        "evaluate",
        "options",
        "engines",
        "cache",
        "diffscope",
        "diffrun",
        "firstmatch",
        "fix",
        "advisory_use",
    }
    | POLICY_MODEL,
    # which evaluated controls read the advisory snapshot (for the report to name its date)
    "advisory_use": L2 | POLICY_MODEL | {"analyzers", "policy"},
    # fixes are proposed after a scan (semgrep's own fix text, native fixers that read files
    # with the analyzers' readers) and applied by the command line
    "fix": L1 | POLICY_MODEL | {"analyzers.read", "engines", "options"},
    # explain describes one finding of a report: the check behind it (the policy, the
    # analyzer registry) and the inline comment grammar (suppress)
    "explain": L2 | POLICY_MODEL | {"analyzers", "policy", "suppress"},
    "policytest": L2 | POLICY_MODEL | {"policy", "options", "engines", "scan"},
    # the ML-BOM reads the inventory with the analyzers' readers and domains (beside scan)
    "bom": L2 | ANALYZER_SUPPORT | {"analyzers.domain"},
}
"""What each component may import besides itself; ``cli`` may import everything."""

NAMED_EXCEPTIONS = frozenset(
    {
        # one word table tells data from models for every engine: semgrep matches read it too
        ("mlsec_policy.engines.semgrep.results", "mlsec_policy.analyzers.patterns.context"),
        # the comment grammar has one owner: the analyzer that reports broken comments reads it
        (
            "mlsec_policy.analyzers.governance.suppression_comments",
            "mlsec_policy.suppress.comments",
        ),
    }
)
NOT_DOMAINS = frozenset({"base", "params", "reads", "listing", "read", "patterns"})


def module_files(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Return every module of ``package`` under ``root`` by dotted name."""
    modules: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path, known: Iterable[str]) -> Iterator[str]:
    """Yield the modules ``module`` imports, anywhere in its file.

    ``from a import b`` counts as an import of ``a.b`` when that is a module, else of ``a``.
    """
    known = set(known)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                yield candidate if candidate in known else source


def import_graph(root: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """Return, for each module of ``package``, the modules of ``package`` it imports."""
    modules = module_files(root, package)
    return {
        name: {
            target
            for target in imported_names(name, path, modules)
            if target == package or target.startswith(package + ".")
        }
        for name, path in modules.items()
    }


def component(module: str) -> str:
    """Return the component a module belongs to (see ``ALLOWED``)."""
    parts = module.split(".")[1:]
    if not parts:
        return "package"
    if parts[0] == "__main__":
        return "cli"
    if parts[0] == "analyzers":
        if len(parts) == 1:
            return "analyzers"
        if parts[1] in {"base", "params", "reads", "listing"}:
            return "analyzers.contract"
        if parts[1] in {"read", "patterns"}:
            return f"analyzers.{parts[1]}"
        return "analyzers.domain"
    if parts[0] == "policy" and len(parts) > 1 and f"policy.{parts[1]}" in POLICY_MODEL:
        return f"policy.{parts[1]}"
    return parts[0]


def domain(module: str) -> str | None:
    """Return the analyzer domain of a module (``infra``, ``notebooks``...), else None."""
    parts = module.split(".")
    if len(parts) > 2 and parts[1] == "analyzers" and parts[2] not in NOT_DOMAINS:
        return parts[2]
    return None


def violations(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Return every import that breaks the contract, as ``importer -> imported: why``."""
    problems: list[str] = []
    for importer, targets in sorted(graph.items()):
        source = component(importer)
        for target in sorted(targets):
            why = _why_not(importer, source, target)
            if why and (importer, target) not in NAMED_EXCEPTIONS:
                problems.append(f"{importer} -> {target}: {why}")
    return problems


def _why_not(importer: str, source: str, target: str) -> str | None:
    wanted = component(target)
    if target.startswith(f"{PACKAGE}.models.") and not importer.startswith(f"{PACKAGE}.models"):
        return "import value types from mlsec_policy.models, not from its submodules"
    if wanted == "policytest" and source not in {"policytest", "cli"}:
        return "the scanner never imports the policy self-test tooling"
    if source == wanted:
        mine, theirs = domain(importer), domain(target)
        if mine != theirs:
            return f"analyzer domain {mine} must not import domain {theirs}"
        return None
    if source == "cli":
        return None
    if wanted not in ALLOWED.get(source, frozenset()):
        return f"{source} may not import {wanted}"
    return None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(SRC)


def test_every_module_belongs_to_a_known_component(graph: dict[str, set[str]]) -> None:
    unknown = sorted(m for m in graph if component(m) not in {*ALLOWED, "cli"})
    assert unknown == []


def test_the_package_keeps_the_import_contract(graph: dict[str, set[str]]) -> None:
    assert violations(graph) == []


@pytest.mark.parametrize(
    ("importer", "imported", "why"),
    [
        ("mlsec_policy.options", "mlsec_policy.engines.semgrep.process", "options may not"),
        (
            "mlsec_policy.analyzers.infra.compose",
            "mlsec_policy.suppress.comments",
            "analyzers.domain may not import suppress",
        ),
        ("mlsec_policy.scan", "mlsec_policy.analyzers.governance.suppression_comments", "scan"),
        (
            "mlsec_policy.analyzers.notebooks",
            "mlsec_policy.analyzers.secrets.assignments",
            "domain",
        ),
        ("mlsec_policy.evaluate", "mlsec_policy.policytest.cases", "self-test"),
        ("mlsec_policy.report.sarif", "mlsec_policy.models.findings", "submodules"),
    ],
)
def test_the_checker_reports_each_kind_of_cross_edge(
    graph: dict[str, set[str]], importer: str, imported: str, why: str
) -> None:
    broken = {name: set(targets) for name, targets in graph.items()}
    broken[importer].add(imported)
    problems = violations(broken)
    assert len(problems) == 1
    assert problems[0].startswith(f"{importer} -> {imported}: ")
    assert why in problems[0]


def test_the_graph_sees_relative_deferred_and_type_checking_imports(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from . import b\nfrom .sub import c\n",
            "pkg/b.py": "def f():\n    from pkg.sub.c import thing\n    return thing\n",
            "pkg/sub/__init__.py": "from .. import a\n",
            "pkg/sub/c.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    import pkg.b\n"
                "from pkg import sub\nthing = 1\n"
            ),
        },
    )
    assert import_graph(tmp_path, "pkg") == {
        "pkg": set(),
        "pkg.a": {"pkg.b", "pkg.sub.c"},
        "pkg.b": {"pkg.sub.c"},
        "pkg.sub": {"pkg.a"},
        "pkg.sub.c": {"pkg.b", "pkg.sub"},
    }


def test_no_module_passes_the_line_cap() -> None:
    long = {
        str(path.relative_to(SRC)): lines
        for path in sorted(SRC.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def _specs_in(module: object) -> list[AnalyzerSpec[Any]]:
    found: list[AnalyzerSpec[Any]] = []
    for value in vars(module).values():
        values = value if isinstance(value, tuple | list) else (value,)
        found.extend(v for v in values if isinstance(v, AnalyzerSpec))
    return found


def _domain_modules() -> dict[str, list[str]]:
    domains: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(registry.__path__):
        if info.name in NOT_DOMAINS:
            continue
        name = f"{registry.__name__}.{info.name}"
        members = [name]
        if info.ispkg:
            package = importlib.import_module(name)
            members += [
                sub.name
                for sub in pkgutil.walk_packages(package.__path__, prefix=name + ".")
                if not sub.ispkg
            ]
        domains[info.name] = members
    return domains


def test_every_analyzer_of_every_domain_is_registered() -> None:
    registered = {id(spec) for spec in registry.ANALYZERS.values()}
    domains = _domain_modules()
    assert {"model_artifacts", "integrity", "infra", "secrets", "governance"} <= set(domains)
    for name, modules in domains.items():
        top = importlib.import_module(modules[0])
        declared = {id(spec) for spec in top.SPECS}
        assert declared, f"domain {name} declares no SPECS"
        for module in modules:
            for spec in _specs_in(importlib.import_module(module)):
                assert id(spec) in declared, f"{spec.name} ({module}) is not in {name}.SPECS"
        assert declared <= registered, f"{name}.SPECS is not in the registry"
    assert len(registry.ANALYZERS) == len(registered)


def test_readers_and_pattern_tables_define_no_analyzer() -> None:
    for package in ("read", "patterns"):
        root = importlib.import_module(f"{registry.__name__}.{package}")
        for info in pkgutil.iter_modules(root.__path__, prefix=root.__name__ + "."):
            assert _specs_in(importlib.import_module(info.name)) == [], info.name


def test_each_control_sits_in_the_folder_of_its_phase() -> None:
    policy = load_policy(("builtin",), registry.ANALYZERS)
    root = policy.packs[0].root / "controls"
    placed = {c.id: c.path.relative_to(root).parts[:2] for c in policy.controls}
    assert placed == {c.id: (c.meta.phase, c.id) for c in policy.controls}
