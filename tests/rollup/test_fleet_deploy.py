"""The fan-out routes: the reusable workflow, the controller, the shard script, Kubernetes.

Workflows are checked against SchemaStore's workflow schema, the Kubernetes manifests against
the official client's models, and the shard script is run for real on local git repositories.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import git
import pytest
import yaml

from mlsec_policy.rollup.fleet import Entry, Shard
from tests.conftest import REPO, load_json, run_subprocess, write_tree
from tests.support.k8s_models import problems
from tests.support.org_reports import ENV
from tests.test_integrations import schema_errors, yaml_file

REUSABLE = REPO / ".github" / "workflows" / "mlsec-policy.yml"
FLEET = REPO / "examples" / "fleet"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def uses(workflow: dict[str, Any]) -> list[str]:
    """Return every action a workflow's steps use."""
    return [
        step["uses"]
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    ]


def test_reusable_workflow_is_valid_pinned_and_keeps_the_report() -> None:
    workflow = yaml_file(REUSABLE)
    assert schema_errors(workflow, "github-workflow.json") == []
    assert set(workflow["on"]) == {"workflow_call"}
    assert all(PINNED.match(action) for action in uses(workflow)), uses(workflow)
    assert workflow["permissions"] == {"contents": "read"}
    steps = workflow["jobs"]["scan"]["steps"]
    keep = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert keep["with"]["name"] == "mlsec-policy-report"
    assert keep["if"].startswith("always()")
    for step in steps:  # inputs reach scripts through the environment only
        assert "${{" not in step.get("run", "")


def test_controller_shards_within_the_matrix_limit_and_merges() -> None:
    workflow = yaml_file(FLEET / "controller.yml")
    assert schema_errors(workflow, "github-workflow.json") == []
    assert all(PINNED.match(action) for action in uses(workflow)), uses(workflow)
    shards = workflow["jobs"]["scan"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(int(workflow["env"]["SHARDS"])))
    assert len(shards) <= 256
    merge = workflow["jobs"]["merge"]
    assert merge["needs"] == "scan"
    script = "\n".join(step.get("run", "") for step in merge["steps"])
    assert "report merge reports" in script and "--previous previous/org.json" in script
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", "")


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Five local repositories under BASE/org/, and a list naming them (with a comment)."""
    base = tmp_path_factory.mktemp("origin")
    names = [f"org/model-{i}" for i in range(5)]
    for index, name in enumerate(names):
        files = {"README.md": f"# {name}\n"}
        if index % 2 == 0:
            files["train.py"] = "import torch\nstate = torch.load('w.pt')\n"
        repo = git.Repo.init(write_tree(base / name, files))
        repo.index.add(list(files))
        repo.index.commit("first", author=git.Actor("t", "t@example.org"))
    (base / "repos.txt").write_text("# the fleet\n" + "\n".join(names) + "\n\n", encoding="utf-8")
    return base, names


def test_shard_script_covers_the_list_once_and_its_reports_merge(
    origin: tuple[Path, list[str]], tmp_path: Path
) -> None:
    base, names = origin
    bash = shutil.which("bash")
    assert bash
    env = {**ENV, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    scanned: list[str] = []
    for index in range(3):
        out = tmp_path / f"shard-{index}"
        done = subprocess.run(
            [
                bash,
                str(FLEET / "scan-shard.sh"),
                str(index),
                "3",
                str(base / "repos.txt"),
                str(base),
                str(out),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr
        clones = (out / "clones.txt").read_text(encoding="utf-8").split()
        expected = Shard(index, 3).select([Entry(i, Path(n)) for i, n in enumerate(names)])
        assert [Path(c).name for c in clones] == [str(e.path).replace("/", "__") for e in expected]
        assert not (out / "org.json").exists()  # shards leave the merge to the last job
        scanned += [Path(c).name for c in clones]
    assert sorted(scanned) == sorted(n.replace("/", "__") for n in names)
    merged = tmp_path / "org.json"
    result = run_subprocess(
        "report",
        "merge",
        *[str(tmp_path / f"shard-{i}" / "reports") for i in range(3)],
        "-o",
        str(merged),
        env=ENV,
    )
    assert result.code == 0, result.err
    assert json.loads(merged.read_text(encoding="utf-8"))["summary"]["repositories"] == 5


def k8s_documents() -> list[tuple[str, dict[str, Any]]]:
    """Return every manifest of the Kubernetes example with its file name."""
    found = []
    for path in sorted((FLEET / "k8s").glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        found += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))]
    return found


@pytest.mark.parametrize(
    ("name", "manifest"), k8s_documents(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_kubernetes_manifests_are_valid_objects(name: str, manifest: dict[str, Any]) -> None:
    assert problems(manifest) == [], name


def test_the_model_check_catches_a_misspelt_field() -> None:
    scan = yaml.safe_load((FLEET / "k8s" / "scan-job.yaml").read_text(encoding="utf-8"))
    scan["spec"]["completionMod"] = scan["spec"].pop("completionMode")
    assert problems(scan) == ["Job.spec.completionMod: not a field of V1JobSpec"]
    del scan["spec"]["template"]["spec"]["containers"]
    scan["spec"]["completionMode"] = scan["spec"].pop("completionMod")
    assert any("containers" in p for p in problems(scan))


def test_indexed_job_shards_match_its_completions_and_run_unprivileged() -> None:
    kustomization = yaml.safe_load(
        (FLEET / "k8s" / "kustomization.yaml").read_text(encoding="utf-8")
    )
    docs = dict(k8s_documents())
    job = docs["scan-job.yaml"]
    assert job["spec"]["completionMode"] == "Indexed"
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert int(env["SHARDS"]) == job["spec"]["completions"]
    assert "$JOB_COMPLETION_INDEX" in container["args"][0]
    for manifest in (job, docs["merge-job.yaml"]):
        spec = manifest["spec"]["template"]["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        for each in spec["containers"]:
            assert each["securityContext"]["allowPrivilegeEscalation"] is False
            assert each["securityContext"]["capabilities"]["drop"] == ["ALL"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    generated = kustomization["configMapGenerator"][0]
    assert volumes["repos"]["configMap"]["name"] == generated["name"]
    assert (FLEET / "k8s" / generated["files"][0]).is_file()
    assert "merge-job.yaml" not in kustomization["resources"]  # applied once scans are done


def test_the_image_passes_our_own_container_controls(tmp_path: Path) -> None:
    shutil.copy(REPO / "Dockerfile", tmp_path / "Dockerfile")
    out = tmp_path / "r.json"
    run_subprocess("scan", str(tmp_path), "--quiet", "--json-output", str(out), env=ENV)
    results = {r["control"]["id"]: r for r in load_json(out)["results"]}
    for control in ("MLSEC-CONT-01", "MLSEC-CONT-02", "MLSEC-CONT-03"):
        assert results[control]["status"] == "pass", (control, results[control]["findings"])
