"""Which files semgrep must see through a view, and which view.

Semgrep picks a file's language from its name and cannot read notebooks or Helm templates at
all. A notebook is scanned as its code cells, a Helm template as neutralised YAML, and a
Dockerfile, script or YAML template whose name semgrep would not recognise under a name it does.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from mlsec_policy.models import Artifact, ArtifactKind
from mlsec_policy.views.base import View
from mlsec_policy.views.helm import TEMPLATE_FORMATS, helm_view
from mlsec_policy.views.notebook import notebook_view

SEMGREP_DOCKERFILE = re.compile(r"^(dockerfile|.+\.dockerfile)$", re.IGNORECASE)


def view_for(artifact: Artifact, root: Path) -> View | None:
    """Return the view semgrep should scan instead of the file, or None to scan it as is."""
    pure = PurePosixPath(artifact.path)
    name = pure.name
    if artifact.kind is ArtifactKind.NOTEBOOK:
        raw = (root / artifact.path).read_text(encoding="utf-8")
        return notebook_view(raw, pure.stem)
    if artifact.kind is ArtifactKind.KUBERNETES and artifact.format in TEMPLATE_FORMATS:
        text = (root / artifact.path).read_text(encoding="utf-8")
        return helm_view(text, "template.yaml")
    identity_name = None
    if artifact.kind is ArtifactKind.DOCKERFILE and not SEMGREP_DOCKERFILE.match(name):
        identity_name = "Dockerfile"
    elif artifact.kind is ArtifactKind.PYTHON and pure.suffix.lower() not in {
        ".py",
        ".pyi",
        ".pyw",
    }:
        identity_name = "script.py"
    elif artifact.kind is ArtifactKind.SHELL and pure.suffix.lower() not in {".sh", ".bash"}:
        identity_name = "script.sh"
    elif name.lower().endswith((".j2", ".tpl")) and pure.stem.lower().endswith((".yaml", ".yml")):
        identity_name = "file.yaml"
    if identity_name is None:
        return None
    text = (root / artifact.path).read_text(encoding="utf-8", errors="replace")
    return View(text, identity_name)
