"""Inventory: git-aware listing, classification, environments, symlinks, size caps."""

from __future__ import annotations

import os
from pathlib import Path

import git
import pytest

from mlsec_policy.classify import classify
from mlsec_policy.discover import discover, strip_credentials
from mlsec_policy.errors import TargetError
from mlsec_policy.models import ArtifactKind
from tests.conftest import write_tree

PICKLE_HEAD = b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00"


@pytest.mark.parametrize(
    ("path", "head", "kind", "fmt"),
    [
        ("train.py", b"import torch", ArtifactKind.PYTHON, None),
        ("bin/serve", b"#!/usr/bin/env python3\nimport x", ArtifactKind.PYTHON, "script"),
        ("bin/setup", b"#!/bin/bash\nset -e", ArtifactKind.SHELL, None),
        ("nb/explore.ipynb", b"{", ArtifactKind.NOTEBOOK, None),
        ("Dockerfile", b"FROM x", ArtifactKind.DOCKERFILE, None),
        ("docker/Dockerfile.gpu", b"FROM x", ArtifactKind.DOCKERFILE, None),
        ("serve.Dockerfile", b"FROM x", ArtifactKind.DOCKERFILE, None),
        ("Containerfile", b"FROM x", ArtifactKind.DOCKERFILE, None),
        (
            "k8s/deploy.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\n",
            ArtifactKind.KUBERNETES,
            "manifest",
        ),
        (
            "chart/templates/dep.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}",
            ArtifactKind.KUBERNETES,
            "helm-template",
        ),
        ("docker-compose.yml", b"services:\n  a:\n    image: x", ArtifactKind.COMPOSE, None),
        ("deploy/stack.yaml", b"services:\n  api:\n    image: x\n", ArtifactKind.COMPOSE, None),
        (".github/workflows/ci.yml", b"on: push", ArtifactKind.CI_WORKFLOW, "github-actions"),
        (".gitlab-ci.yml", b"stages: []", ArtifactKind.CI_WORKFLOW, "gitlab-ci"),
        ("requirements-dev.txt", b"torch==2.3", ArtifactKind.DEPENDENCY_MANIFEST, "requirements"),
        ("pyproject.toml", b"[project]", ArtifactKind.DEPENDENCY_MANIFEST, "pyproject-toml"),
        ("poetry.lock", b"", ArtifactKind.DEPENDENCY_MANIFEST, "lock"),
        (
            "environment.yml",
            b"name: x\ndependencies:\n  - python",
            ArtifactKind.DEPENDENCY_MANIFEST,
            "conda",
        ),
        ("configs/train.yaml", b"lr: 0.1", ArtifactKind.CONFIG, "yaml"),
        (".env", b"TOKEN=x", ArtifactKind.CONFIG, "env"),
        # DVC's remotes (object-store endpoints, credentials) are an INI file without a suffix
        (".dvc/config", b"[core]\n", ArtifactKind.CONFIG, "dvc-config"),
        ("data/.dvc/config.local", b"[core]\n", ArtifactKind.CONFIG, "dvc-config"),
        ("app/config", b"[core]\n", ArtifactKind.OTHER, None),
        ("models/model.safetensors", b"", ArtifactKind.MODEL_ARTIFACT, "safetensors"),
        ("models/weights.bin", b"\x00\x01binary", ArtifactKind.MODEL_ARTIFACT, "bin"),
        ("notes/readme.txt", PICKLE_HEAD, ArtifactKind.MODEL_ARTIFACT, "pickle"),
        ("notes/weights.txt", b"(dp0\nVw\np1\nI1\ns.", ArtifactKind.MODEL_ARTIFACT, "pickle"),
        # text that decodes as a few pickle opcodes is not a pickle ("h2." is GET, STOP)
        ("assets/Settings.css", b"h2.svelte-xaoy31{color:var(--c)}", ArtifactKind.OTHER, None),
        ("tokenizer.json", b"{", ArtifactKind.MODEL_ARTIFACT, "tokenizer"),
        ("data/train.csv", b"a,b", ArtifactKind.DATA_FILE, "csv"),
        ("README.md", b"# x", ArtifactKind.DOCS, None),
        ("assets/logo.png", b"\x89PNG", ArtifactKind.OTHER, None),
    ],
)
def test_classification(path: str, head: bytes, kind: ArtifactKind, fmt: str | None) -> None:
    found = classify(path, head)
    assert (found.kind, found.format) == (kind, fmt)


def test_walk_skips_environments_caches_and_reports_symlinks(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.txt": "x"})
    root = write_tree(
        tmp_path / "repo",
        {
            "train.py": "x = 1\n",
            "node_modules/pkg/index.py": "x = 1\n",
            "myenv/pyvenv.cfg": "home = /usr\n",
            "myenv/lib/python3.11/site-packages/a.py": "x = 1\n",
            "__pycache__/t.cpython-311.pyc": b"\x00",
            "src/pkg/mod.py": "x = 1\n",
        },
    )
    (root / "escape.txt").symlink_to(outside / "secret.txt")
    (root / "inside.py").symlink_to(root / "train.py")
    inventory = discover(root)
    assert [a.path for a in inventory.artifacts] == ["src/pkg/mod.py", "train.py"]
    reasons = {s.path: s.reason for s in inventory.skipped}
    assert "outside the scanned root" in reasons["escape.txt"]
    assert "inside the target" in reasons["inside.py"]
    assert "environment" in reasons["myenv/"]
    assert inventory.git is None


def test_excludes_use_gitignore_patterns(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path, {"a.py": "", "tests/t.py": "", "pkg/tests/u.py": "", "pkg/b.py": ""}
    )
    paths = [a.path for a in discover(root, ["tests/"]).artifacts]
    assert paths == ["a.py", "pkg/b.py"]


def test_oversized_code_blocks_checks_but_large_json_is_data(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "big.py": "x = 1\n" * 400_000,
            "annotations.json": "[" + "1," * 1_200_000 + "1]",
        },
    )
    inventory = discover(root)
    skipped = {s.path: s for s in inventory.skipped}
    assert skipped["big.py"].blocks_checks and skipped["big.py"].kind is ArtifactKind.PYTHON
    assert [(a.path, a.kind) for a in inventory.artifacts] == [
        ("annotations.json", ArtifactKind.DATA_FILE)
    ]


def test_special_files_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    inventory = discover(write_tree(tmp_path, {"a.py": "x = 1\n"}))
    assert "not a regular file" in {s.path: s.reason for s in inventory.skipped}["pipe"]


def test_git_repo_lists_tracked_and_untracked_but_not_ignored(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            ".gitignore": "ignored/\n*.log\n",
            "tracked.py": "x = 1\n",
            "ignored/x.py": "x = 1\n",
            "debug.log": "x",
        },
    )
    repo = git.Repo.init(root)
    repo.index.add([".gitignore", "tracked.py"])
    repo.index.commit("first")
    repo.create_remote("origin", "https://user:ghp_secret123@github.com/acme/models.git")
    (root / "new.py").write_text("y = 2\n")
    (root / "tracked.py").write_text("x = 3\n")
    inventory = discover(root)
    assert [a.path for a in inventory.artifacts] == [".gitignore", "new.py", "tracked.py"]
    assert inventory.git is not None
    assert inventory.git.commit == repo.head.commit.hexsha
    assert inventory.git.dirty is True
    assert inventory.git.remote_url == "https://github.com/acme/models.git"
    assert inventory.git.root == "."


def test_subdirectory_of_a_git_repo(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"svc/app.py": "x = 1\n", "other/b.py": "x = 1\n"})
    repo = git.Repo.init(root)
    repo.index.add(["svc/app.py", "other/b.py"])
    repo.index.commit("first")
    inventory = discover(root / "svc")
    assert [a.path for a in inventory.artifacts] == ["app.py"]
    assert inventory.git is not None and inventory.git.root == "svc"
    assert inventory.git.dirty is False


def test_missing_target_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(TargetError):
        discover(tmp_path / "nope")
    with pytest.raises(TargetError):
        discover(write_tree(tmp_path, {"f.py": ""}) / "f.py")


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://x-token:abc@gitlab.com/g/p.git", "https://gitlab.com/g/p.git"),
        ("git@github.com:acme/models.git", "git@github.com:acme/models.git"),
        ("ssh://git@host/repo", "ssh://host/repo"),
    ],
)
def test_strip_credentials(url: str, clean: str) -> None:
    assert strip_credentials(url) == clean


def test_folder_ignored_by_git_is_walked(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".gitignore": "vendor/\n", "a.py": "", "vendor/lib/b.py": ""})
    repo = git.Repo.init(root)
    repo.index.add([".gitignore", "a.py"])
    repo.index.commit("first")
    inventory = discover(root / "vendor")
    assert [a.path for a in inventory.artifacts] == ["lib/b.py"]
    assert inventory.git is not None
