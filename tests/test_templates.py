"""Templated manifests: classification, the neutralised view, and what checks may claim in it.

The snippets reproduce constructs met in real charts (KServe, KubeRay, dask-kubernetes) and in
Jinja-templated manifests (ZenML, SkyPilot) when the catalogue was measured on them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.read.kubernetes import objects_from_text
from mlsec_policy.analyzers.read.yamldoc import yaml_docs
from mlsec_policy.classify import classify
from mlsec_policy.models import ArtifactKind, ControlStatus
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import load_policy
from mlsec_policy.policytest import PINNED_EPOCH
from mlsec_policy.scan import scan
from mlsec_policy.views.helm import PLACEHOLDER, conditional_lines, helm_view, output_lines
from mlsec_policy.yamlpos import YamlError, load_documents
from tests.conftest import write_tree

KUBERAY_STYLE = """\
apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: {{ include "ray-cluster.fullname" . }}
spec:
  headGroupSpec:
    template:
      spec:
        containers:
          - {{ if .Values.head.volumeMounts }}
            volumeMounts: {{- toYaml .Values.head.volumeMounts | nindent 12 }}
            {{- end }}
            name: ray-head
            image: {{ .Values.image.repository }}:{{ .Values.image.tag }}
            resources: {{- toYaml .Values.head.resources | nindent 14 }}
            securityContext:
            {{- toYaml .Values.head.securityContext | nindent 14 }}
"""

KSERVE_STYLE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "kserve.fullname" . }}-controller
spec:
  template:
    spec:
      containers:
      - name: manager
        image: {{ .Values.image.repository }}:{{ .Values.image.tag
          | default .Chart.AppVersion }}
        resources: {{- toYaml .Values.resources | nindent
          10 }}
        securityContext: {{- toYaml .Values.containerSecurityContext
          | nindent 10 }}
      securityContext: {{- toYaml .Values.podSecurityContext |
        nindent 8 }}
"""

BRANCHES = """\
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: workers
spec:
  {{- if .Values.namespaceSelector }}
  namespaceSelector:
    {{- .Values.namespaceSelector | toYaml | nindent 4 }}
  {{- else }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  {{- end }}
"""

JINJA = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ name }}
spec:
  template:
    spec:
      {% if settings.host_ipc %}
      hostIPC: true
      {% endif %}
      {# the main container #}
      containers:
        - name: main
          image: {{ image }}
"""


def test_views_of_real_chart_constructs_parse_line_for_line() -> None:
    for text in (KUBERAY_STYLE, KSERVE_STYLE, BRANCHES, JINJA):
        view = helm_view(text, "t.yaml")
        assert view.text.count("\n") == text.count("\n")
        docs = yaml_docs(text, helm=True)
        assert len(docs) == 1
    kuberay = yaml_docs(KUBERAY_STYLE, helm=True)[0]
    [obj] = objects_from_text(KUBERAY_STYLE, helm=True)
    [pod] = list(obj.pods())
    [container] = pod.containers
    assert container.name == "ray-head"
    assert container.data["image"] == f"{PLACEHOLDER}:{PLACEHOLDER}"
    assert kuberay.templated(container.path)
    assert (
        kuberay.line(("spec", "headGroupSpec", "template", "spec", "containers", 0, "name")) == 13
    )


def test_output_and_conditional_lines() -> None:
    assert sorted(output_lines(KUBERAY_STYLE)) == [17]
    assert sorted(output_lines(BRANCHES)) == [8]
    assert sorted(conditional_lines(BRANCHES)) == list(range(6, 14))
    assert sorted(conditional_lines(JINJA)) == [8, 9, 10]
    wrapped = "{{- if .Values.enabled }}\napiVersion: v1\nkind: Pod\n{{- end }}\n"
    assert conditional_lines(wrapped) == frozenset()


def test_duplicate_keys_are_an_error_except_in_template_views() -> None:
    with pytest.raises(YamlError, match="duplicate key 'a'"):
        load_documents("a: 1\na: 2\n")
    assert load_documents("a: 1\na: 2\n", allow_duplicates=True)[0].data == {"a": 2}


def test_application_tags_are_kept_as_text_never_constructed() -> None:
    data = load_documents("Bucket: !Ref ModelBucket\nlist: !reference [.setup, script]\n")[0].data
    assert data == {"Bucket": "ModelBucket", "list": [".setup", "script"]}


@pytest.mark.parametrize(
    ("path", "head", "kind", "fmt"),
    [
        (
            "chart/templates/dep.yaml",
            KSERVE_STYLE.encode(),
            ArtifactKind.KUBERNETES,
            "helm-template",
        ),
        ("k8s/deployment.yaml.j2", JINJA.encode(), ArtifactKind.KUBERNETES, "jinja-template"),
        (
            "deploy/aws/templates/stack.yaml",
            b"AWSTemplateFormatVersion: '2010-09-09'\nUserData: |\n  bucket: {{ .bucket }}\n",
            ArtifactKind.CONFIG,
            "yaml",
        ),
        (
            "sky/templates/ray.yml.j2",
            b"cluster_name: {{cluster_name}}\nmax_workers: {{ num_nodes - 1 }}\n",
            ArtifactKind.CONFIG,
            "yaml",
        ),
    ],
)
def test_only_chart_templates_and_templated_manifests_are_kubernetes(
    path: str, head: bytes, kind: ArtifactKind, fmt: str
) -> None:
    assert (classify(path, head).kind, classify(path, head).format) == (kind, fmt)


def test_conditional_settings_in_templates_are_not_reported(tmp_path: Path) -> None:
    policy = load_policy(("builtin",), ANALYZERS)
    root = write_tree(
        tmp_path, {"k8s/deployment.yaml.j2": JINJA, "chart/templates/r.yaml": KUBERAY_STYLE}
    )
    controls = tuple(policy.control(c) for c in ("MLSEC-K8S-02", "MLSEC-K8S-03", "MLSEC-K8S-04"))
    report = scan(
        ScanOptions(target=root, source_date_epoch=PINNED_EPOCH), replace(policy, controls=controls)
    )
    statuses = {
        r.control.id: (r.status, [f.location.display() for f in r.findings]) for r in report.results
    }
    assert statuses["MLSEC-K8S-02"] == (ControlStatus.PASS, [])
    # the Jinja container sets nothing and nothing is injected: both gaps are real
    assert statuses["MLSEC-K8S-03"] == (ControlStatus.FAIL, ["k8s/deployment.yaml.j2:13"])
    assert statuses["MLSEC-K8S-04"] == (ControlStatus.FAIL, ["k8s/deployment.yaml.j2:13"])
