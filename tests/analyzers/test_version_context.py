"""Version context: a finding graded by the package versions the repository declares."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from mlsec_policy.analyzers.read.versions import DeclaredVersions, admits_below
from mlsec_policy.discover import discover
from mlsec_policy.models import Finding, Severity
from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan
from tests.conftest import write_tree

LOAD = "import torch\n\n\ndef resume(path):\n    return torch.load(path)\n"


@pytest.mark.parametrize(
    ("specifier", "older"),
    [
        (">=2.11.0,<=2.12.1", False),
        ("~=2.6", False),
        ("==2.13.0", False),
        (">=2.6,!=2.7", False),
        (">=2.4.0", True),
        (">2.5", True),
        ("==2.2.1", True),
        ("==2.*", True),
        ("<3", True),
        ("", True),
    ],
)
def test_admits_below(specifier: str, older: bool) -> None:
    assert admits_below(SpecifierSet(specifier), "2.6") is older


def declared(root: Path, files: dict[str, str]) -> DeclaredVersions:
    write_tree(root, files)
    return DeclaredVersions(root, discover(root, ()).artifacts)


def test_every_manifest_above_the_file_must_admit_only_safe_releases(tmp_path: Path) -> None:
    versions = declared(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\nversion = "1"\n'
            'dependencies = ["torch>=2.6"]\n',
            "app/load.py": LOAD,
            "legacy/requirements.txt": "torch==2.2.1\n",
            "legacy/load.py": LOAD,
            "other/requirements.txt": "numpy==2.0.0\n",
        },
    )
    relied = versions.floor("app/load.py", ["torch"], "2.6")
    assert relied is not None
    assert [r.display() for r in relied] == ["torch>=2.6 (pyproject.toml:4)"]
    assert versions.floor("legacy/load.py", ["torch"], "2.6") is None
    assert versions.floor("other/x.py", ["torch"], "2.6") is not None


def test_an_undeclared_or_unversioned_package_is_not_safe(tmp_path: Path) -> None:
    versions = declared(
        tmp_path,
        {
            "requirements.txt": "numpy==2.0.0\n",
            "git/requirements.txt": "torch @ git+https://github.com/pytorch/pytorch@v2.7.0\n",
        },
    )
    assert versions.floor("load.py", ["torch"], "2.6") is None
    assert versions.floor("git/load.py", ["torch"], "2.6") is None


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "setup.py",
            "from setuptools import setup\nREQS = ['torch>=2.7']\nsetup(install_requires=REQS)\n",
        ),
        ("environment.yml", "name: x\ndependencies:\n  - python=3.11\n  - pytorch>=2.6\n"),
        ("uv.lock", '[[package]]\nname = "torch"\nversion = "2.8.0"\n'),
    ],
)
def test_other_manifests_declare_versions_too(tmp_path: Path, name: str, text: str) -> None:
    versions = declared(tmp_path, {name: text})
    assert versions.floor("load.py", ["torch", "pytorch"], "2.6") is not None


def findings_of(root: Path, control: str, files: dict[str, str]) -> list[Finding]:
    """Scan ``files`` written under ``root`` with one control; return its findings."""
    write_tree(root, files)
    report = scan(ScanOptions(target=root, only_controls=(control,), source_date_epoch=0))
    (result,) = report.results
    return list(result.findings)


def test_a_scan_grades_torch_load_by_the_declared_torch(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "torch>=2.6,<3\n",
        "load.py": LOAD,
        "old/requirements.txt": "torch==2.1.0\n",
        "old/load.py": LOAD,
    }
    graded = {f.location.path: f for f in findings_of(tmp_path, "MLSEC-LOAD-01", files)}
    assert graded["load.py"].severity is Severity.LOW
    assert "torch>=2.6,<3 (requirements.txt:1)" in graded["load.py"].message
    assert graded["old/load.py"].severity is Severity.HIGH
    assert "requires" not in graded["old/load.py"].message


SETUP_READING_FILES = """\
from setuptools import setup


def parse(name):
    with open(name) as handle:
        return handle.read().splitlines()


extras = ['reqs/requirements_agents.txt', 'reqs/requirements_serving.txt']
requires = parse('requirements.txt') + [r for e in extras for r in parse(e)]
setup(name='app', install_requires=requires)
"""


def test_a_setup_py_declares_the_requirements_files_it_names(tmp_path: Path) -> None:
    versions = declared(
        tmp_path,
        {
            "setup.py": SETUP_READING_FILES,
            "requirements.txt": "numpy==2.0.0\n",
            "reqs/requirements_agents.txt": "langchain-community==0.2.6\n",
            "reqs/requirements_serving.txt": "fastapi\n",
            "reqs/requirements_unnamed.txt": "langchain-community==0.0.10\n",
            "version.txt": "1.2.3\n",
        },
    )
    relied = versions.floor("src/agent.py", ["langchain-community"], "0.1.12")
    assert relied is not None
    assert [r.display() for r in relied] == [
        "langchain-community==0.2.6 (reqs/requirements_agents.txt:1)"
    ]


def test_a_setup_py_naming_an_older_release_keeps_the_finding(tmp_path: Path) -> None:
    versions = declared(
        tmp_path,
        {
            "setup.py": SETUP_READING_FILES,
            "requirements.txt": "langchain==0.1.10\n",
            "reqs/requirements_agents.txt": "langchain-community==0.2.6\n",
        },
    )
    assert versions.floor("src/agent.py", ["langchain", "langchain-community"], "0.1.12") is None


def test_a_context_without_severity_drops_the_finding(tmp_path: Path) -> None:
    tools = 'from langchain.agents import load_tools\n\ntools = load_tools(["requests_get"])\n'
    files = {
        "requirements.txt": "langchain-community==0.2.6\n",
        "gated/agent.py": tools,
        "old/requirements.txt": "langchain==0.0.350\n",
        "old/agent.py": tools,
    }
    found = findings_of(tmp_path, "MLSEC-LLM-01", files)
    assert [(f.location.path, f.check_id) for f in found] == [
        ("old/agent.py", "agent-request-tool")
    ]
