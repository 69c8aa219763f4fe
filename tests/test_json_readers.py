"""Every reader of a scanned target's JSON takes valid JSON as valid, long integers included.

Python refuses to convert an integer of more than 4,300 digits (``ValueError``, not a
``JSONDecodeError``), so ``json.loads`` on a valid file holding one either crashed the analyzer
or made it treat the file as broken. Target JSON is decoded through ``textfile.load_json``; the
second test keeps it that way for modules written later.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mlsec_policy
from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan
from tests.conftest import write_tree

HUGE = "1" + "0" * 5000
"""A valid JSON integer past Python's conversion limit."""

FILES = {
    path: text.replace("HUGE", HUGE)
    for path, text in {
        "renovate.json": '{"extends": ["config:recommended"], "prHourlyLimit": HUGE}\n',
        "Dockerfile": f'FROM python:3.12-slim@sha256:{"a" * 64}\nUSER 1000\nCMD ["python", HUGE]\n',
        "models/model.safetensors.index.json": '{"metadata": {"total_size": HUGE}, '
        '"weight_map": {"w": "model-00001-of-00001.safetensors"}}\n',
        "data/train.json": '[{"text": "a", "label": HUGE}, {"text": "b", "label": 1}]\n',
        "data/train.jsonl": '{"text": "a", "label": HUGE}\n{"text": "b", "label": 2}\n',
        "package.json": '{"name": "demo", "version": "1.0.0", "n": HUGE}\n',
        "notebook.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": HUGE}\n',
    }.items()
}

OWN_DATA = {
    "analyzers/params.py",  # the pack's parameter schemas
    "analyzers/__init__.py",  # the registry's index of the analyzers (index.json)
    "analyzers/read/advisories.py",  # the pack's advisory snapshot
    "analyzers/integrity/hashing.py",  # our own hash cache file
    "cache/store.py",  # our own result cache entries
    "analyzers/reads.py",  # the listing queries our own cache entries name
    "engines/semgrep/process.py",  # semgrep's output
    "engines/semgrep/formulas.py",  # semgrep-core's prefilter formulas, our own rules files
    "resources.py",  # bundled schemas
    "suppress/baseline.py",  # a baseline we wrote
    "textfile.py",  # load_json itself
}
"""Modules that decode JSON we or our tools wrote; every other module reads target JSON."""
OWN_PACKAGES = ("report/", "rollup/", "cli/", "frameworks/", "policy/")
"""Packages that read reports, configuration and policy data, never a scanned file."""


def test_valid_json_with_a_huge_integer_is_read_without_error(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    report = scan(ScanOptions(target=tmp_path, source_date_epoch=0))
    assert [(e.engine, e.path, e.message[:80]) for e in report.errors] == []
    assert not report.skipped
    by_control = {r.control.id: r for r in report.results}
    # the Renovate file was read as update automation, not passed over as broken
    assert by_control["MLSEC-GOV-01"].status.value == "pass"


def test_target_json_is_decoded_through_load_json() -> None:
    root = Path(mlsec_policy.__file__).parent
    offenders = []
    for module in sorted(root.rglob("*.py")):
        relative = module.relative_to(root).as_posix()
        if relative in OWN_DATA or relative.startswith(OWN_PACKAGES):
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            callee = node.func
            if not (isinstance(callee.value, ast.Name) and callee.value.id == "json"):
                continue
            keywords = {k.arg for k in node.keywords}
            if callee.attr in {"load", "loads"} or (
                callee.attr == "JSONDecoder" and "parse_int" not in keywords
            ):
                offenders.append(f"{relative}:{node.lineno} json.{callee.attr}")
    assert offenders == [], "decode target JSON with textfile.load_json"
