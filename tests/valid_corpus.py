"""A corpus of valid but unusual files, each holding one violation a scan must still report.

Every file here is something a real ML repository commits and its own tools read without
complaint: JSON lines named ``.json``, YAML with application tags, Go/Jinja/Helm templates outside
a chart's ``templates/`` folder, notebooks written in IPython's dialect (magics, shell escapes
with continuations, Colab forms, doctest prompts, pasted output), nbformat 3, a UTF-8 BOM with
CRLF line endings, requirements files using every pip option. A scan of the corpus must report
no error, and must still report the violation planted in each file, at its line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

Cell = tuple[str, str] | tuple[str, str, list[dict[str, object]]]
"""(cell type, source) or (cell type, source, outputs)."""


def notebook(cells: Sequence[Cell], *, kernel: str = "python3", language: str = "python") -> str:
    """Return an nbformat 4 notebook holding ``cells``, written the way Jupyter writes it."""
    body = []
    for cell in cells:
        kind, source = cell[0], cell[1]
        lines = source.splitlines(keepends=True)
        entry: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": lines}
        if kind == "code":
            entry["execution_count"] = None
            entry["outputs"] = cell[2] if len(cell) == 3 else []
        body.append(entry)
    document = {
        "cells": body,
        "metadata": {
            "kernelspec": {"display_name": kernel, "language": language, "name": kernel},
            "language_info": {"name": language},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def notebook_v3(sources: Sequence[str]) -> str:
    """Return an nbformat 3 notebook (worksheets, ``input`` instead of ``source``)."""
    cells = [
        {
            "cell_type": "code",
            "collapsed": False,
            "input": source.splitlines(keepends=True),
            "language": "python",
            "metadata": {},
            "outputs": [],
        }
        for source in sources
    ]
    document = {
        "metadata": {"name": ""},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [{"cells": cells, "metadata": {}}],
    }
    return json.dumps(document, indent=1) + "\n"


_LOAD = 'model = torch.load("weights/model.pt")\n'
"""The planted violation of notebooks and scripts (MLSEC-LOAD-01)."""

_RECORD = {"user": "rk", "email": "ravi.kumar@fastmail.com", "ssn": "536-22-8194"}

FILES: dict[str, str | bytes] = {
    # -- JSON family ---------------------------------------------------------------------
    "bench/perf.json": "".join(
        json.dumps({"run": i, "latency_ms": 12.5 + i, "tokens": 128 * i, **_RECORD}) + "\n"
        for i in range(3)
    ),
    "logs/events.json": "".join(
        json.dumps({"event": "login", "n": i, **_RECORD}, indent=2) + "\n" for i in range(2)
    ),
    "configs/bom/config.json": b"\xef\xbb\xbf"
    + b'{\n  "model_type": "custom",\n  "trust_remote_code": true\n}\n',
    "configs/empty.json": "",
    # -- YAML family ---------------------------------------------------------------------
    "deploy/stack.yaml": (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Bucket:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: !Sub '${AWS::StackName}-models'\n"
        "      Tags: !If [IsProd, [{Key: env, Value: prod}], !Ref AWS::NoValue]\n"
        "  Handler: !!python/object/apply:builtins.str ['kept as data']\n"
        "  Secret: !vault |\n"
        "    $ANSIBLE_VAULT;1.1;AES256\n"
        "    6162636465666768\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: trainer\n"
        "  annotations: !custom {team: ml}\n"
        "spec:\n"
        "  containers:\n"
        "    - name: trainer\n"
        "      image: ghcr.io/acme/trainer:1.4.2\n"
        "      securityContext:\n"
        "        privileged: true\n"
    ),
    "benchmark/perf-tests/raycluster.yaml": (
        "apiVersion: ray.io/v1\n"
        "kind: RayCluster\n"
        "metadata:\n"
        "  name: {{.Name}}\n"
        "  labels: {{toJson .Labels}}\n"
        "spec:\n"
        "  headGroupSpec:\n"
        "    template:\n"
        "      spec:\n"
        "        hostNetwork: true\n"
        "        containers:\n"
        "          - name: head\n"
        "            image: rayproject/ray:2.52.0\n"
        "  workerGroupSpecs:\n"
        "    - replicas: {{.Replicas}}\n"
        "      groupName: small\n"
    ),
    "deploy/k8s/serving.yaml": (
        "{{- if .Values.serving.enabled }}\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        '  name: {{ include "app.fullname" . }}\n'
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: server\n"
        '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n'
        "          securityContext:\n"
        "            privileged: true\n"
        "          env:\n"
        "            {{- range $k, $v := .Values.env }}\n"
        "            - name: {{ $k }}\n"
        "              value: {{ $v | quote }}\n"
        "            {{- end }}\n"
        "{{- end }}\n"
    ),
    "ansible/train.yml": (
        "# rendered by Ansible before use\n"
        "model:\n"
        "  name: {{ model_name }}\n"
        "  trust_remote_code: true\n"
        "{% for node in nodes %}\n"
        "  {{ node.name }}: {{ node.address }}\n"
        "{% endfor %}\n"
        "{# a Jinja comment #}\n"
    ),
    "{{cookiecutter.project_slug}}/k8s/job.yaml": (
        "apiVersion: batch/v1\n"
        "kind: Job\n"
        "metadata:\n"
        "  name: {{cookiecutter.project_slug}}-train\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      hostPID: true\n"
        "      containers:\n"
        "        - name: train\n"
        "          image: {{cookiecutter.image}}\n"
    ),
    "configs/empty.yaml": "",
    # -- templated Dockerfiles and Python -------------------------------------------------
    "docker/Dockerfile.j2": (
        "FROM {{ base_image }}\n"
        "{% if cuda %}\n"
        "RUN pip install --extra-index-url https://download.pytorch.org/whl/cu121 torch\n"
        "{% endif %}\n"
        "RUN curl -k https://example.org/install.sh | sh\n"
        'CMD ["python", "serve.py"]\n'
    ),
    "docker/gotmpl/Dockerfile": (
        "FROM {{.BaseImage}}\n"
        "ARG VERSION={{.Version}}\n"
        "RUN curl -k https://example.org/install.sh | sh\n"
        'CMD ["python", "serve.py"]\n'
    ),
    "{{cookiecutter.project_slug}}/src/{{cookiecutter.module}}/train.py": (
        "import torch\n"
        "from {{cookiecutter.module}} import data\n"
        "{% if cookiecutter.use_wandb == 'y' %}\n"
        "import wandb\n"
        "{% endif %}\n"
        "\n"
        "def main(path):\n"
        "    " + _LOAD + "    return model\n"
    ),
    # -- Python with a BOM and CRLF line endings -------------------------------------------
    "scripts/windows_tool.py": (
        "\ufeffimport torch\r\n\r\n\r\ndef restore(path):\r\n    "
        + _LOAD.replace("\n", "\r\n")
        + "    return model\r\n"
    ).encode("utf-8"),
    "scripts/empty.py": "",
    # -- requirements using every pip option -----------------------------------------------
    "requirements/base.txt": "numpy==1.26.4\n",
    "requirements/constraints.txt": "urllib3==2.2.2\n",
    "requirements/prod.txt": (
        "# production pins\n"
        "-r base.txt\n"
        "-c constraints.txt\n"
        "--index-url https://pypi.org/simple\n"
        "requests==2.32.3 \\\n"
        "    --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6 \\\n"
        "    --hash=sha256:55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760\n"
        "pywin32==306 ; sys_platform == 'win32'\n"
        "transformers[torch] == 4.44.2  # inline comment\n"
        'torch>=1.13 ; python_version >= "3.8"\n'
        "accelerate @ https://files.example.org/accelerate-0.33.0-py3-none-any.whl\n"
        "-e .\n"
    ),
    # -- notebooks ---------------------------------------------------------------------------
    "notebooks/shell_continuation.ipynb": notebook(
        [
            ("markdown", "# Download the weights\n"),
            (
                "code",
                "!curl -L https://example.org/weights.pt \\\n"
                "  -o weights/model.pt \\\n"
                "  --retry 3\n"
                "!pip install -q torch==2.4.0\n",
            ),
            ("code", "import torch\n" + _LOAD),
        ]
    ),
    "notebooks/colab_form.ipynb": notebook(
        [
            (
                "code",
                '#@title Display the banner { display-mode: "form" }\n'
                "#@markdown Run this cell to show the banner.\n"
                "%%html\n"
                "<marquee style='width: 30%'>Hello</marquee>\n",
            ),
            (
                "code",
                'model_id = "org/model"  #@param {type:"string"}\n'
                'steps = 100  #@param {type:"slider", min:0, max:1000}\n'
                "import torch\n" + _LOAD,
            ),
        ]
    ),
    "notebooks/magics.ipynb": notebook(
        [
            ("code", "%%bash\nset -e\nfor f in *.pt; do echo $f; done\n"),
            ("code", "%%writefile serve.sh\n#!/bin/sh\nexec python -m server --port 80 $@\n"),
            ("code", "%%capture log\nimport torch\n" + _LOAD),
            ("code", "%%time\nimport numpy as np\ntotal = np.arange(10).sum()\n"),
            (
                "code",
                "%matplotlib inline\n"
                "%load_ext autoreload\n"
                "files = !ls -1 weights\n"
                "size = %sx du -sh weights\n"
                "torch.load?\n"
                "torch.save??\n"
                "?np.arange\n"
                "if True:\n"
                "    !echo nested escape\n"
                "    %time total = sum(range(10))\n",
            ),
            ("code", "import asyncio\nresult = await asyncio.sleep(0, result=3)\nprint(result)\n"),
            ("code", "pip install -q einops==0.8.0\n"),
            ("code", "cd ..\n"),
        ]
    ),
    "notebooks/doctest_prompts.ipynb": notebook(
        [
            (
                "code",
                ">>> import torch\n"
                ">>> from pathlib import Path\n"
                ">>> model = torch.load(Path('weights/model.pt'))\n"
                ">>> model.keys()\n"
                "odict_keys(['linear.weight', 'linear.bias'])\n",
            ),
            ("code", "In [3]: x = 1\n   ...: y = x + 1\n"),
        ]
    ),
    "notebooks/pasted_output.ipynb": notebook(
        [
            (
                "code",
                "import torch\n"
                "for epoch in range(2):\n"
                "    print(epoch)\n"
                "Epoch 1/2 - loss: 0.4312 - acc: 0.871\n"
                "Epoch 2/2 - loss: 0.2120 - acc: 0.933\n",
            ),
            ("code", 'print("the note never ends)\n' + _LOAD),
            (
                "code",
                "from openai import OpenAI\n"
                "client = OpenAI(\n"
                "    api_key=<YOUR-OPENAI-API-KEY>,\n"
                ")\n",
            ),
            ("code", 'doc = """an unterminated\ntriple-quoted string\n'),
            ("code", "import torch\n" + _LOAD),
        ]
    ),
    "notebooks/legacy_v3.ipynb": notebook_v3(["import torch\n", "%pylab inline\n" + _LOAD]),
    "notebooks/r_kernel.ipynb": notebook(
        [
            (
                "code",
                "library(ggplot2)\nx <- c(1, 2, 3)\n",
                [{"output_type": "stream", "name": "stdout", "text": ["[1] 1 2 3\n"]}],
            ),
        ],
        kernel="ir",
        language="R",
    ),
    "notebooks/windows_bom.ipynb": b"\xef\xbb\xbf"
    + notebook([("code", "import torch\r\n" + _LOAD)]).encode("utf-8"),
    "notebooks/empty.ipynb": notebook([]),
    "notebooks/blank.ipynb": "",
}
"""Relative path -> content of the corpus."""

EXPECTED: dict[str, tuple[str, int | None]] = {
    "bench/perf.json": ("MLSEC-PII-01", 1),
    "logs/events.json": ("MLSEC-PII-01", 1),
    "configs/bom/config.json": ("MLSEC-HUB-01", 3),
    "deploy/stack.yaml": ("MLSEC-K8S-01", 23),
    "benchmark/perf-tests/raycluster.yaml": ("MLSEC-K8S-02", 10),
    "deploy/k8s/serving.yaml": ("MLSEC-K8S-01", 13),
    "ansible/train.yml": ("MLSEC-HUB-01", 4),
    "{{cookiecutter.project_slug}}/k8s/job.yaml": ("MLSEC-K8S-02", 8),
    "docker/Dockerfile.j2": ("MLSEC-CONT-04", 5),
    "docker/gotmpl/Dockerfile": ("MLSEC-CONT-04", 3),
    "{{cookiecutter.project_slug}}/src/{{cookiecutter.module}}/train.py": ("MLSEC-LOAD-01", 8),
    "scripts/windows_tool.py": ("MLSEC-LOAD-01", 5),
    "requirements/prod.txt": ("MLSEC-DEP-02", 10),
    "notebooks/shell_continuation.ipynb": ("MLSEC-LOAD-01", None),
    "notebooks/colab_form.ipynb": ("MLSEC-LOAD-01", None),
    "notebooks/magics.ipynb": ("MLSEC-LOAD-01", None),
    "notebooks/doctest_prompts.ipynb": ("MLSEC-LOAD-01", None),
    "notebooks/pasted_output.ipynb": ("MLSEC-LOAD-01", None),
    "notebooks/legacy_v3.ipynb": ("MLSEC-LOAD-01", None),
    "notebooks/windows_bom.ipynb": ("MLSEC-LOAD-01", None),
    "notebooks/r_kernel.ipynb": ("MLSEC-NB-01", None),
}
"""Path -> (control that must report it, line, or None when any line of the file will do)."""
