"""The real-code example manifest of the recall benchmark names real checks and known classes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import yaml

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.policy import load_policy

RECALL = Path(__file__).resolve().parents[1] / "benchmarks" / "recall"


def _classes() -> dict[str, list[tuple[str, str]]]:
    spec = importlib.util.spec_from_file_location("class_audit", RECALL / "class_audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    classes: dict[str, list[tuple[str, str]]] = module.CLASSES
    return classes


def test_every_example_names_a_check_of_its_class_and_a_pinned_commit() -> None:
    data: dict[str, Any] = yaml.safe_load((RECALL / "real_examples.yaml").read_text("utf-8"))
    policy = load_policy(("builtin",), ANALYZERS)
    checks = {(c.id, k.id) for c in policy.controls for k in c.checks}
    classes = _classes()
    entries = [*data["examples"], *data["negatives"]]
    assert len(data["examples"]) >= 6
    for entry in entries:
        place = (entry["control"], entry["check"])
        assert place in checks, entry
        assert place in classes[entry["class"]], entry
        assert len(entry["commit"]) == 40 and entry["folder"] == entry["repo"].replace("/", "+")
        assert entry["line"] >= 1 and entry["why"].strip()
    # at least two examples from two repositories for each class the examples cover
    for name in {e["class"] for e in data["examples"]}:
        repos = {e["repo"] for e in data["examples"] if e["class"] == name}
        assert len(repos) >= 2, name
