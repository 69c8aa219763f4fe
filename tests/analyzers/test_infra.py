"""Infrastructure analyzers on what fixtures do not pin down.

Severities, messages, syntax variants, unreadable files, and controls sharing an analyzer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.governance.codeowners import owner_of, parse_codeowners
from mlsec_policy.analyzers.infra.compose import _published
from mlsec_policy.analyzers.infra.image_refs import dockerfile_images, problem
from mlsec_policy.models import ControlResult, ControlStatus, Report, Severity
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import Policy, load_policy
from mlsec_policy.policytest import PINNED_EPOCH
from mlsec_policy.scan import scan
from tests.conftest import write_tree


@pytest.fixture(scope="module")
def bundled() -> Policy:
    return load_policy(("builtin",), ANALYZERS)


def run(policy: Policy, root: Path, *control_ids: str) -> Report:
    controls = tuple(policy.control(control_id) for control_id in control_ids)
    options = ScanOptions(target=root, source_date_epoch=PINNED_EPOCH)
    return scan(options, replace(policy, controls=controls))


def result(report: Report, control_id: str) -> ControlResult:
    return next(r for r in report.results if r.control.id == control_id)


def where(res: ControlResult) -> list[tuple[str, int | None, str]]:
    return [(f.location.path, f.location.start_line, f.severity.label) for f in res.findings]


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: example/api:1.0.0
      volumes:
        - name: sock
          hostPath:
            path: /run/containerd/containerd.sock
        - name: cache
          hostPath: {path: /var/cache/models/}
"""


def test_runtime_socket_is_critical_other_host_paths_high(bundled: Policy, tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"deploy.yaml": DEPLOYMENT})
    res = result(run(bundled, root, "MLSEC-K8S-02"), "MLSEC-K8S-02")
    assert where(res) == [("deploy.yaml", 13, "critical"), ("deploy.yaml", 16, "high")]
    assert res.severity is Severity.CRITICAL
    assert "mounts the host path /var/cache/models/" in res.findings[1].message


def test_unparsable_helm_template_is_an_error_not_a_pass(bundled: Policy, tmp_path: Path) -> None:
    template = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n"
        "  containers:\n    - name: x\n      image: a:1\n     bad: indentation\n"
    )
    root = write_tree(tmp_path, {"chart/templates/pod.yaml": template})
    res = result(run(bundled, root, "MLSEC-K8S-03"), "MLSEC-K8S-03")
    assert res.status is ControlStatus.ERROR
    [error] = res.errors
    assert error.path == "chart/templates/pod.yaml" and error.kind == "parse-error"
    assert "template (after neutralising" in error.message and error.line is not None


def test_controls_sharing_an_analyzer_keep_their_own_selection(
    bundled: Policy, tmp_path: Path
) -> None:
    root = write_tree(
        tmp_path,
        {
            "data/reviews.csv": "text,label\n" + "".join(f"r{i},{i % 2}\n" for i in range(12)),
            "models/model.onnx": "placeholder weights\n",
        },
    )
    report = run(bundled, root, "MLSEC-DATA-02", "MLSEC-MODEL-01", "MLSEC-MODEL-03")
    assert [f.location.path for f in result(report, "MLSEC-DATA-02").findings] == [
        "data/reviews.csv"
    ]
    for control_id in ("MLSEC-MODEL-01", "MLSEC-MODEL-03"):
        findings = result(report, control_id).findings
        assert [f.location.path for f in findings] == ["models/model.onnx"], control_id


@pytest.mark.parametrize("on", ["on", '"on"', "true"])
def test_workflow_trigger_key_in_every_spelling(bundled: Policy, tmp_path: Path, on: str) -> None:
    workflow = (
        f"name: w\n{on}:\n  pull_request_target:\npermissions:\n  contents: read\njobs:\n"
        "  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n"
        "        with:\n          ref: ${{ github.head_ref }}\n"
    )
    root = write_tree(tmp_path, {".github/workflows/w.yml": workflow})
    res = result(run(bundled, root, "MLSEC-CI-02"), "MLSEC-CI-02")
    assert where(res) == [(".github/workflows/w.yml", 12, "critical")]


def test_script_injection_points_at_the_line_inside_the_block(
    bundled: Policy, tmp_path: Path
) -> None:
    workflow = (
        "name: w\non: issues\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - run: |\n          echo start\n"
        '          echo "${{ github.event.issue.body }}" > body.txt\n'
        '          echo "${{ github.event.issue.number }}"\n'
    )
    root = write_tree(tmp_path, {".github/workflows/w.yml": workflow})
    res = result(run(bundled, root, "MLSEC-CI-03"), "MLSEC-CI-03")
    assert where(res) == [(".github/workflows/w.yml", 10, "high")]
    assert res.findings[0].message.startswith("${{ github.event.issue.body }} is written into")


def test_multi_line_commands_are_reported_where_the_match_starts(
    bundled: Policy, tmp_path: Path
) -> None:
    gitlab = (
        "build:\n  image: python:3.11\n  script:\n    - |\n      echo one\n"
        "      curl -fsSL https://example.org/i.sh \\\n        | bash\n"
    )
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - name: c\n      image: a:1\n      command: [sh, -c]\n      args:\n"
        "        - >-\n          set -e;\n          wget -qO- https://example.org/x | sh\n"
    )
    root = write_tree(tmp_path, {".gitlab-ci.yml": gitlab, "pod.yaml": pod})
    res = result(run(bundled, root, "MLSEC-CONT-04"), "MLSEC-CONT-04")
    assert where(res) == [(".gitlab-ci.yml", 6, "high"), ("pod.yaml", 12, "high")]


def test_dockerfile_base_images_resolve_build_arguments() -> None:
    text = (
        "ARG BASE=python:latest\nARG TAG\nFROM ${BASE} AS one\nFROM example/app:${TAG}\n"
        "FROM one\nFROM --platform=$BUILDPLATFORM ubuntu\nFROM ${MISSING:-debian:12}\n"
    )
    images = [(i.text, i.line) for i in dockerfile_images(text)]
    assert images == [("python:latest", 3), ("ubuntu", 6), ("debian:12", 7)]
    assert problem("registry:5000/team/app", "tag") == (
        "the image registry:5000/team/app has no tag, so it pulls whatever :latest is today"
    )
    assert problem("app:latest@sha256:" + "a" * 64, "tag") is None
    assert problem("app:1.2", "digest") is not None


@pytest.mark.parametrize(
    ("entry", "published"),
    [
        ("8888:8888", ("", {8888})),
        ("127.0.0.1:8888:8888/tcp", ("127.0.0.1", {8888})),
        ("8888", ("", {8888})),
        ("6000-6002:6000-6002", ("", {6000, 6001, 6002})),
        ("[::1]:8888:8888", ("::1", {8888})),
        ({"target": 6006, "host_ip": "0.0.0.0"}, ("0.0.0.0", {6006})),
    ],
)
def test_compose_port_syntaxes(entry: object, published: tuple[str, set[int]]) -> None:
    assert _published(entry) == published  # type: ignore[arg-type]


def test_codeowners_last_matching_rule_wins() -> None:
    rules = parse_codeowners(
        "# owners\n*  @org/all\n/data/\n/data/public/ @org/open  # reviewed\n[Docs]\n"
    )
    assert owner_of("models/m.onnx", rules) == ("@org/all",)
    assert owner_of("data/train.csv", rules) == ()
    assert owner_of("data/public/x.csv", rules) == ("@org/open",)


def test_invalid_dependabot_config_is_an_error(bundled: Policy, tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"requirements.txt": "torch==2.3.1\n", ".github/dependabot.yml": "updates: [\n"},
    )
    res = result(run(bundled, root, "MLSEC-GOV-01"), "MLSEC-GOV-01")
    assert res.status is ControlStatus.ERROR
    assert res.errors[0].kind == "parse-error"


def test_security_context_respects_pod_level_settings(bundled: Policy, tmp_path: Path) -> None:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  securityContext: {runAsUser: 1000}\n  containers:\n    - name: c\n      image: a:1\n"
        "      securityContext:\n        allowPrivilegeEscalation: false\n"
        "        readOnlyRootFilesystem: true\n"
    )
    root = write_tree(tmp_path, {"pod.yaml": pod})
    res = result(run(bundled, root, "MLSEC-K8S-03"), "MLSEC-K8S-03")
    assert [f.message for f in res.findings] == [
        "Pod/p container 'c' does not set capabilities.drop: [ALL] in its securityContext"
    ]


def test_gpu_requests_without_gpu_limits_are_named(bundled: Policy, tmp_path: Path) -> None:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - name: c\n      image: a:1\n      resources:\n"
        "        requests: {nvidia.com/gpu: 2}\n        limits: {cpu: 1, memory: 1Gi}\n"
    )
    root = write_tree(tmp_path, {"pod.yaml": pod})
    res = result(run(bundled, root, "MLSEC-K8S-04"), "MLSEC-K8S-04")
    assert [f.message for f in res.findings] == [
        "Pod/p container 'c' has no resource limit for nvidia.com/gpu"
    ]


PTRACE_COMPOSE = """\
services:
  profiler:
    image: registry.example.com/py-spy:0.3.14
    cap_add: [SYS_PTRACE]
  tracer:
    image: registry.example.com/tracer:1.0.2
    pid: "service:profiler"
    cap_add: ["CAP_SYS_PTRACE"]
  host-debugger:
    image: registry.example.com/host-debugger:2.0.0
    pid: host
    cap_add: [sys_ptrace]
"""


def test_ptrace_reaches_the_host_only_through_its_pid_namespace(
    bundled: Policy, tmp_path: Path
) -> None:
    root = write_tree(tmp_path, {"compose.yaml": PTRACE_COMPOSE})
    res = result(run(bundled, root, "MLSEC-COMPOSE-01"), "MLSEC-COMPOSE-01")
    assert where(res) == [
        ("compose.yaml", 4, "low"),
        ("compose.yaml", 8, "low"),
        ("compose.yaml", 11, "high"),
        ("compose.yaml", 12, "high"),
    ]
