"""One requirement specifier, judged: which package, how tightly pinned, from where.

Shared by the dependency-manifest analyzers and the notebook ``!pip install`` check. Parsing
uses ``packaging`` (PEP 508); nothing is resolved or downloaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

ML_CRITICAL = frozenset(
    {
        "torch", "torchvision", "torchaudio", "transformers", "tensorflow", "tensorflow-gpu",
        "tensorflow-cpu", "tf-keras", "keras", "jax", "jaxlib", "flax", "mlflow", "mlflow-skinny",
        "ray", "gradio", "vllm", "onnx", "safetensors", "numpy", "scikit-learn", "sklearn",
        "joblib", "pandas", "scipy", "accelerate", "diffusers", "datasets", "huggingface-hub",
        "tokenizers", "sentence-transformers", "peft", "trl", "bitsandbytes", "xgboost",
        "lightgbm", "catboost", "openai", "anthropic", "tiktoken", "pytorch-lightning",
        "lightning", "dill", "cloudpickle", "skops", "timm", "ultralytics", "bentoml",
        "deepspeed", "triton", "xformers", "optimum", "llama-cpp-python", "streamlit", "pytorch",
    }
)  # fmt: skip
"""Packages whose silent upgrade changes model loading, training or serving behaviour."""
ML_PREFIXES = ("langchain", "llama-index", "onnxruntime", "tensorflow-", "torch-")

_VCS = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)
_SHA = re.compile(r"@([0-9a-fA-F]{40})(?:#.*)?$")
_NAME = re.compile(r"[-_.]+")
UNSAFE_TORCH_BELOW = Version("2.6.0")
"""torch.load(weights_only=True) could still run code before 2.6 (CVE-2025-32434)."""
_PROBES = [Version(v) for v in ("2.6.0", "2.7.1", "2.8.0", "2.9.1", "3.0.0", "9.0.0")]


class SpecKind(StrEnum):
    """Where a requirement comes from."""

    INDEX = "index"
    VCS = "vcs"
    URL = "url"
    PATH = "path"


class Pin(StrEnum):
    """How tightly a requirement from an index is pinned."""

    EXACT = "exact"
    """``==1.2.3`` or ``===``: one version."""
    RANGE = "range"
    """Bounded on both sides (``~=``, ``>=1,<2``, ``==1.*``): still drifts within the range."""
    OPEN = "open"
    """Only a lower bound or exclusions: any future release can arrive."""
    NONE = "none"
    """No version constraint at all."""


@dataclass(frozen=True, slots=True)
class Spec:
    """A parsed requirement."""

    text: str
    name: str | None
    """Normalised project name (PEP 503), when one is given."""
    kind: SpecKind
    specifier: SpecifierSet
    url: str | None = None

    @property
    def pin(self) -> Pin:
        """Return how tightly the version is pinned (only meaningful for index requirements)."""
        return pin_of(self.specifier)

    @property
    def ml_critical(self) -> bool:
        """Return True for a package whose drift matters to ML security."""
        return self.name is not None and is_ml_critical(self.name)

    @property
    def vcs_pinned(self) -> bool:
        """Return True when a VCS requirement names a full commit hash."""
        return self.url is not None and _SHA.search(self.url) is not None

    @property
    def plain_http(self) -> bool:
        """Return True when the requirement is fetched over unencrypted HTTP."""
        return self.url is not None and re.search(r"(^|\+)http://", self.url) is not None


def normalise(name: str) -> str:
    """Return the PEP 503 normal form of a project name."""
    return _NAME.sub("-", name).lower()


def is_ml_critical(name: str) -> bool:
    """Return True when ``name`` (any spelling) is an ML-critical package."""
    normal = normalise(name)
    return normal in ML_CRITICAL or normal.startswith(ML_PREFIXES)


def parse_spec(text: str) -> Spec | None:
    """Parse one requirement (``name[extras] spec ; marker``, a VCS URL, a URL or a path)."""
    text = text.strip()
    if not text:
        return None
    if _VCS.match(text) or text.startswith(("http://", "https://", "file:")):
        egg = re.search(r"#egg=([A-Za-z0-9_.\-]+)", text)
        kind = SpecKind.VCS if _VCS.match(text) else SpecKind.URL
        return Spec(text, normalise(egg.group(1)) if egg else None, kind, SpecifierSet(), text)
    archive = text.endswith((".whl", ".tar.gz", ".zip")) and "://" not in text
    if text.startswith((".", "/", "~")) or archive:
        return Spec(text, None, SpecKind.PATH, SpecifierSet(), text)
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    name = normalise(requirement.name)
    if requirement.url:
        url = requirement.url
        kind = SpecKind.VCS if _VCS.match(url) else SpecKind.URL
        return Spec(text, name, kind, SpecifierSet(), url)
    return Spec(text, name, SpecKind.INDEX, requirement.specifier)


def specifier(text: str) -> SpecifierSet | None:
    """Parse a bare version specifier (Poetry/Pipfile/conda style already translated)."""
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


def pin_of(specifiers: SpecifierSet) -> Pin:
    """Return how tightly a specifier set pins a version."""
    items = list(specifiers)
    if not items:
        return Pin.NONE
    if any(s.operator in {"==", "==="} and "*" not in s.version for s in items):
        return Pin.EXACT
    upper = any(
        s.operator in {"<", "<=", "~="} or (s.operator == "==" and "*" in s.version) for s in items
    )
    return Pin.RANGE if upper else Pin.OPEN


def torch_below_safe(specifiers: SpecifierSet) -> bool:
    """Return True when a torch specifier admits only releases older than 2.6."""
    if not list(specifiers):
        return False
    probes = list(_PROBES)
    for specifier in specifiers:
        try:  # the versions the specifiers name: '==2.13.0' admits 2.13.0 and nothing on the list
            probes.append(Version(specifier.version.removesuffix(".*")))
        except InvalidVersion:
            continue
    safe = (v for v in probes if v >= UNSAFE_TORCH_BELOW)
    return not any(specifiers.contains(v, prereleases=True) for v in safe)
