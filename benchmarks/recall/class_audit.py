"""Audit the risk classes of issue 11 item 3: fixtures and real-code examples per class.

For each class (a list of control/check pairs), prints the fixture files where one of its
checks must fire (from each control's ``tests/expected.yaml``), the rows of the real-repository
judgements judged TP for those checks, the advisory entries that name one of its controls, and
the real-code examples of ``real_examples.yaml`` (public repositories outside the realworld corpus;
``real_examples.py`` scores them). The class table is ours; the counts are read from the files
each run. Run from the checkout:

    python benchmarks/recall/class_audit.py [--markdown]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CLASSES: dict[str, list[tuple[str, str]]] = {
    "plain-http downloads and endpoints": [
        ("MLSEC-FETCH-01", "plaintext-download-python"),
        ("MLSEC-FETCH-01", "plaintext-download-origin"),
        ("MLSEC-FETCH-01", "plaintext-download-shell"),
        ("MLSEC-FETCH-01", "plaintext-ftp-client"),
        ("MLSEC-FETCH-01", "plaintext-endpoint-python"),
        ("MLSEC-FETCH-01", "plaintext-endpoint-origin"),
        ("MLSEC-FETCH-01", "plaintext-endpoint-setting"),
        ("MLSEC-FETCH-01", "plaintext-endpoint-cluster-python"),
        ("MLSEC-FETCH-01", "plaintext-endpoint-cluster-setting"),
        ("MLSEC-DEP-03", "plaintext-package-index-setting"),
        ("MLSEC-DEP-03", "plaintext-package-index-cluster"),
    ],
    "eval/exec of non-literal data; LLM output run by agents": [
        ("MLSEC-CODE-01", "eval-of-request-data"),
        ("MLSEC-CODE-01", "eval-of-model-output"),
        ("MLSEC-CODE-01", "eval-of-outside-input"),
        ("MLSEC-CODE-01", "eval-of-non-literal"),
        ("MLSEC-CODE-01", "eval-of-parsed-data"),
        ("MLSEC-LLM-01", "agent-dangerous-flag"),
        ("MLSEC-LLM-01", "agent-code-or-shell-tool"),
        ("MLSEC-LLM-01", "agent-local-code-executor"),
    ],
    "models written with pickle/joblib/dill": [
        ("MLSEC-LOAD-07", "model-pickled-on-save"),
        ("MLSEC-LOAD-07", "safe-serialization-disabled"),
    ],
    "servers and UIs on all interfaces without authentication": [
        ("MLSEC-SERVE-09", "server-on-all-interfaces-without-auth"),
        ("MLSEC-SERVE-09", "public-tunnel-without-auth"),
        ("MLSEC-SERVE-09", "public-tunnel-command-without-auth"),
        ("MLSEC-K8S-06", "k8s-exposed-ml-tool"),
        ("MLSEC-COMPOSE-02", "compose-tool-port-published"),
    ],
    "trust_remote_code=True as a default": [
        ("MLSEC-HUB-01", "trust-remote-code-default"),
        ("MLSEC-HUB-01", "trust-remote-code-python"),
        ("MLSEC-HUB-01", "trust-remote-code-yaml"),
        ("MLSEC-HUB-01", "trust-remote-code-json"),
    ],
    "exception text or tracebacks returned to clients": [
        ("MLSEC-CODE-06", "traceback-returned-to-client"),
        ("MLSEC-CODE-06", "exception-text-in-server-error"),
        ("MLSEC-CODE-06", "exception-text-in-5xx-response"),
        ("MLSEC-CODE-06", "exception-text-in-error-handler"),
        ("MLSEC-CODE-06", "gradio-show-error"),
        ("MLSEC-CODE-06", "exception-shown-to-visitor"),
    ],
    "score vectors returned; weights served without authentication": [
        ("MLSEC-SERVE-03", "probabilities-returned"),
        ("MLSEC-SERVE-03", "model-weights-served"),
    ],
    "personal data in the application; protected attributes as features": [
        ("MLSEC-LOG-01", "personal-data-to-telemetry"),
        ("MLSEC-LOG-01", "personal-data-to-experiment-tracker"),
        ("MLSEC-LOG-01", "sensitive-value-logged"),
        ("MLSEC-TRAIN-02", "protected-attribute-used"),
        ("MLSEC-TRAIN-02", "protected-attribute-in-config"),
        ("MLSEC-TRAIN-02", "fairness-evaluation"),
    ],
    "container and cluster hardening": [
        ("MLSEC-COMPOSE-01", "compose-unconfined"),
        ("MLSEC-COMPOSE-01", "compose-runtime-socket-mount"),
        ("MLSEC-COMPOSE-01", "compose-host-privileges"),
        ("MLSEC-K8S-01", "k8s-unconfined"),
        ("MLSEC-K8S-01", "k8s-privileged-container"),
        ("MLSEC-K8S-02", "k8s-runtime-socket-mount"),
    ],
    "model files loaded from user-controlled paths": [
        ("MLSEC-LOAD-01", "torch-load-without-weights-only"),
        ("MLSEC-LOAD-01", "torch-load-weights-only-false"),
        ("MLSEC-LOAD-02", "pickle-family-load"),
        ("MLSEC-LOAD-03", "joblib-load"),
        ("MLSEC-LOAD-05", "keras-safe-mode-off"),
    ],
    "data files whose labels contradict each other": [
        ("MLSEC-DATA-01", "conflicting-labels"),
    ],
}
"""Each class of item 3 and the checks that report it."""


def fixtures(control: str, check: str) -> list[str]:
    """Return the fixture files (case/path) where ``check`` of ``control`` must fire or match."""
    expected = next(ROOT.glob(f"policies/controls/*/{control}/tests/expected.yaml"), None)
    if expected is None:
        return []
    cases = (yaml.safe_load(expected.read_text("utf-8")) or {}).get("cases", {})
    found: set[str] = set()
    for name, case in cases.items():
        for part in ("findings", "scope"):
            places = case.get(part) or {}
            if isinstance(places, dict):
                for place in places.get(check, []) or []:
                    found.add(f"{name}/{str(place).rsplit(':', 1)[0]}")
    return sorted(found)


def judged_tp() -> Counter[tuple[str, str]]:
    """Count the real-repository rows judged TP per (control, check)."""
    counts: Counter[tuple[str, str]] = Counter()
    with (ROOT / "benchmarks/realworld/judgements.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["verdict"] == "TP":
                counts[(row["control_id"], row["check_id"])] += 1
    return counts


def advisories() -> Counter[str]:
    """Count the advisory entries per control they name."""
    data = yaml.safe_load((ROOT / "benchmarks/advisories/advisories.yaml").read_text("utf-8"))
    counts: Counter[str] = Counter()
    for entry in data["advisories"]:
        for control in entry.get("controls", []):
            counts[control] += 1
    return counts


def real_examples() -> Counter[str]:
    """Count the real-code examples (not the negatives) of ``real_examples.yaml`` per class."""
    data = yaml.safe_load((Path(__file__).with_name("real_examples.yaml")).read_text("utf-8"))
    unknown = {e["class"] for e in data["examples"]} - set(CLASSES)
    if unknown:
        raise SystemExit(f"real_examples.yaml names classes the audit does not know: {unknown}")
    return Counter(str(e["class"]) for e in data["examples"])


def main() -> int:
    """Print the audit table (Markdown with --markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    tps, advised, examples = judged_tp(), advisories(), real_examples()
    rows = []
    for name, checks in CLASSES.items():
        files = sorted({f"{c}/{f}" for c, k in checks for f in fixtures(c, k)})
        tp = sum(tps[(c, k)] for c, k in checks)
        adv = sum(advised[c] for c in sorted({c for c, _ in checks}))
        rows.append((name, len(files), tp, adv, examples[name]))
        if not args.markdown:
            counted = f"{tp} judged TP, {adv} advisories, {examples[name]} real-code examples"
            print(f"{name}: {len(files)} fixture files, {counted}")
            for c, k in checks:
                print(f"  {c} {k}: fixtures {fixtures(c, k)}; TP {tps[(c, k)]}")
    if args.markdown:
        print(
            "| class | fixture files | real-repository TP rows | advisory entries "
            "| real-code examples |"
        )
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, files_n, tp, adv, real in rows:
            print(f"| {name} | {files_n} | {tp} | {adv} | {real} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
