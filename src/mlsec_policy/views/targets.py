"""Which files semgrep must see through a view, and which view.

Semgrep picks a file's language from its name and cannot read notebooks or templates at all. A
notebook is scanned as its code cells, read the way IPython reads them; a Helm, Go or Jinja
template of a YAML file (wherever it sits, not only in a chart's ``templates/``) as neutralised
YAML; a Jinja or cookiecutter template of a Python file as neutralised Python, with what is still
not Python set aside and listed; a Dockerfile, script or YAML template whose name semgrep would
not recognise under a name it does.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from mlsec_policy.models import Artifact, ArtifactKind
from mlsec_policy.textfile import decode, looks_templated
from mlsec_policy.views.base import View, ViewError
from mlsec_policy.views.helm import TEMPLATE_FORMATS, helm_view
from mlsec_policy.views.notebook import notebook_view
from mlsec_policy.views.python_template import python_template_view
from mlsec_policy.yamlpos import MAX_DEPTH, YamlError, YamlLimitError, load_documents

SEMGREP_DOCKERFILE = re.compile(r"^(dockerfile|.+\.dockerfile)$", re.IGNORECASE)
YAML_SUFFIXES = (".yaml", ".yml")
YAML_TEMPLATE_SUFFIXES = (".yaml.j2", ".yml.j2", ".yaml.tpl", ".yml.tpl", ".yaml.jinja")
PYTHON_SUFFIXES = frozenset({".py", ".pyi", ".pyw"})


def view_for(artifact: Artifact, root: Path) -> View | None:
    """Return the view semgrep should scan instead of the file, or None to scan it as is."""
    pure = PurePosixPath(artifact.path)
    name = pure.name
    lower = name.lower()
    if artifact.kind is ArtifactKind.NOTEBOOK:
        return notebook_view(_read(root, artifact), pure.stem)
    if artifact.kind is ArtifactKind.KUBERNETES and artifact.format in TEMPLATE_FORMATS:
        return helm_view(_read(root, artifact), "template.yaml")
    if lower.endswith(YAML_SUFFIXES + YAML_TEMPLATE_SUFFIXES):
        text = _read(root, artifact)
        if looks_templated(text) and not _reads_as_yaml(text):
            return helm_view(text, "template.yaml")
        _within_bounds(text)
    if artifact.kind is ArtifactKind.PYTHON:
        template = python_template_view(_read(root, artifact), artifact.path)
        if template is not None:
            return template
    identity_name = None
    if artifact.kind is ArtifactKind.DOCKERFILE and not SEMGREP_DOCKERFILE.match(name):
        identity_name = "Dockerfile"
    elif artifact.kind is ArtifactKind.PYTHON and pure.suffix.lower() not in PYTHON_SUFFIXES:
        identity_name = "script.py"
    elif artifact.kind is ArtifactKind.SHELL and pure.suffix.lower() not in {".sh", ".bash"}:
        identity_name = "script.sh"
    elif lower.endswith(YAML_TEMPLATE_SUFFIXES):
        identity_name = "file.yaml"
    if identity_name is None:
        return None
    return View(_read(root, artifact), identity_name)


def _reads_as_yaml(text: str) -> bool:
    try:
        load_documents(text, allow_duplicates=True)
    except YamlLimitError as exc:
        raise ViewError(f"not handed to semgrep: {exc.message}", exc.line) from None
    except YamlError:
        return False
    return True


def _within_bounds(text: str) -> None:
    """Refuse YAML that our bounded reader refuses (alias bombs, absurd nesting).

    Semgrep's YAML parser expands every alias and recurses into every level: an alias bomb of
    a few hundred bytes keeps each YAML rule busy until its time-out and takes gigabytes. Only
    text that could be such a file is read here (anchors and aliases both present, or more
    brackets than the depth bound); its syntax errors are semgrep's to report.
    """
    suspicious = ("&" in text and "*" in text) or text.count("[") + text.count("{") > MAX_DEPTH
    if not suspicious:
        return
    try:
        load_documents(text, allow_duplicates=True)
    except YamlLimitError as exc:
        raise ViewError(f"not handed to semgrep: {exc.message}", exc.line) from None
    except YamlError:
        return


def _read(root: Path, artifact: Artifact) -> str:
    return decode((root / artifact.path).read_bytes())
