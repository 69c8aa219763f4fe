"""Infrastructure findings judged with their context: exposure, overlays, base images, grades.

Fixtures pin where findings are; these tests pin what the fixtures cannot: the grade each
finding gets, the reader that follows indentation, and files that are never read.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.read.outline import Outline
from mlsec_policy.models import ControlResult, Report
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import Policy, load_policy
from mlsec_policy.policytest import PINNED_EPOCH
from mlsec_policy.scan import scan
from tests.conftest import REPO, write_tree

FIXTURES = REPO / "policies" / "controls"


@pytest.fixture(scope="module")
def bundled() -> Policy:
    return load_policy(("builtin",), ANALYZERS)


def run(policy: Policy, root: Path, control_id: str) -> ControlResult:
    options = ScanOptions(target=root, source_date_epoch=PINNED_EPOCH)
    report: Report = scan(options, replace(policy, controls=(policy.control(control_id),)))
    (result,) = report.results
    return result


def grades(result: ControlResult) -> dict[str, str]:
    return {f"{f.location.path}:{f.location.start_line}": f.severity.label for f in result.findings}


def test_ray_dashboard_is_graded_by_who_can_reach_it(bundled: Policy) -> None:
    exposed = run(
        bundled, FIXTURES / "model-deployment/MLSEC-SERVE-07/tests/fail-exposed", "MLSEC-SERVE-07"
    )
    assert grades(exposed) == {
        "rayservice-lb.yaml:14": "critical",
        "perf-cluster.yaml:8": "critical",
        "docker-compose.yml:6": "critical",
        "cluster-launcher.yaml:7": "critical",
        "head-deployment.yaml:14": "critical",
        "create-cluster.json:7": "high",
        "Dockerfile:5": "high",
    }
    in_cluster = run(
        bundled, FIXTURES / "model-deployment/MLSEC-SERVE-07/tests/fail", "MLSEC-SERVE-07"
    )
    assert grades(in_cluster) == {
        "raycluster.yaml:8": "high",
        "start-head.sh:2": "critical",
        "tune.py:4": "critical",
        "serve_dual_stack.py:6": "critical",
    }
    [cluster] = [f for f in in_cluster.findings if f.location.path == "raycluster.yaml"]
    assert "every pod in the cluster" in cluster.message and "authOptions" in cluster.message


def test_compose_without_published_dashboard_port_is_high(bundled: Policy, tmp_path: Path) -> None:
    compose = (
        "services:\n  head:\n    image: rayproject/ray:2.40.0\n"
        "    command: ray start --head --block --dashboard-host=0.0.0.0\n"
        "    ports:\n      - 127.0.0.1:8265:8265\n      - 6379:6379\n"
    )
    result = run(bundled, write_tree(tmp_path, {"compose.yaml": compose}), "MLSEC-SERVE-07")
    assert grades(result) == {"compose.yaml:4": "high"}


def test_outline_follows_sequences_at_their_parent_indentation() -> None:
    text = (
        "spec:\n  workerGroupSpecs:\n  - groupName: gpu\n    rayStartParams:\n"
        "      dashboard-host: 0.0.0.0\n  # headGroupSpec:\n  headGroupSpec:\n"
        "    rayStartParams: {}\n"
    )
    outline = Outline.of(text)
    assert [key for _line, key in outline.ancestors(5)] == [
        "rayStartParams",
        "workerGroupSpecs",
        "spec",
    ]
    assert [key for _line, key in outline.ancestors(8)] == ["headGroupSpec", "spec"]
    assert not outline.is_content(6)


def test_base_image_table_and_compose_user_grade_the_root_finding(bundled: Policy) -> None:
    cases = FIXTURES / "model-deployment/MLSEC-CONT-01/tests"
    assert run(bundled, cases / "pass-base-user", "MLSEC-CONT-01").findings == ()
    [finding] = run(bundled, cases / "fail-compose-user", "MLSEC-CONT-01").findings
    assert finding.severity.label == "low"
    assert "docker/cpu/docker-compose.yml runs it as user 6001:6001" in finding.message
    slim = run(bundled, cases / "fail-base-user", "MLSEC-CONT-01")
    assert grades(slim) == {"Dockerfile:2": "high", "Dockerfile.slim:1": "high"}
    [named] = [f for f in slim.findings if f.location.path == "Dockerfile.slim"]
    assert "python:3.12-slim is not one known to declare a non-root user" in named.message


def test_overlay_is_named_in_the_image_message(bundled: Policy) -> None:
    case = FIXTURES / "model-deployment/MLSEC-CONT-03/tests/fail-overlays"
    [finding] = run(bundled, case, "MLSEC-CONT-03").findings
    assert "registry.example.com/embedder:2024.06.1" in finding.message
    assert "release/kustomization.yaml" in finding.message


def test_a_patch_outside_the_target_is_never_read(bundled: Policy, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(
        outside,
        {
            "patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"
            "spec:\n  template:\n    spec:\n      containers:\n        - name: api\n"
            "          image: example/api:2.0.0\n"
        },
    )
    root = write_tree(
        tmp_path / "repo",
        {
            "base/api.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"
            "spec:\n  template:\n    spec:\n      containers:\n        - name: api\n"
            "          image: example/api:latest\n",
            "base/kustomization.yaml": "resources: [api.yaml]\n"
            "patchesStrategicMerge: [../../outside/patch.yaml, linked.yaml]\n",
        },
    )
    (root / "base" / "linked.yaml").symlink_to(outside / "patch.yaml")
    result = run(bundled, root, "MLSEC-CONT-02")
    assert [f"{f.location.path}:{f.location.start_line}" for f in result.findings] == [
        "base/api.yaml:10"
    ]


def test_custom_resource_admin_roles_are_medium(bundled: Policy) -> None:
    case = FIXTURES / "model-deployment/MLSEC-K8S-07/tests/fail-custom-resources"
    assert grades(run(bundled, case, "MLSEC-K8S-07")) == {
        "rbac.yaml:6": "medium",
        "rbac.yaml:18": "high",
        "rbac.yaml:21": "high",
    }


def test_missing_scanner_message_names_what_ci_does_run(bundled: Policy) -> None:
    case = FIXTURES / "app-development/MLSEC-GOV-03/tests/fail-checkov-iac"
    [finding] = run(bundled, case, "MLSEC-GOV-03").findings
    assert finding.message.startswith("no CI pipeline runs static analysis")
    assert "it does run a dependency vulnerability audit (.github/workflows/pre-commit.yml)" in (
        finding.message
    )


def test_a_template_beside_the_file_never_skips_it(bundled: Policy, tmp_path: Path) -> None:
    template = "services:\n  app:\n    build: .\n    user: {{ user }}: {{ uid }}\n"
    root = write_tree(
        tmp_path,
        {
            "Dockerfile": 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n',
            "docker-compose.yml": template,
            ".github/workflows/ci.yml": "on: push\njobs:\n  call:\n"
            "    uses: ./.github/workflows/reusable.yml\n",
            ".github/workflows/reusable.yml": "on: workflow_call\n"
            "permissions: {{ perms }}: {{ x }}\njobs: {}\n",
        },
    )
    assert grades(run(bundled, root, "MLSEC-CONT-01")) == {"Dockerfile:1": "high"}
    assert [f.location.path for f in run(bundled, root, "MLSEC-CI-04").findings] == [
        ".github/workflows/ci.yml"
    ]
