"""Run mlsec-policy, picklescan, ModelScan and fickling over the generated corpus.

Writes the verdict table into ``docs/model-scanning.md`` between the ``differential`` markers.
The corpus (``mlsec_policy.policytest.corpus``) is generated in a temporary folder and
deleted; nothing in it is ever loaded. Usage: ``python benchmarks/model_differential.py``.
"""

from __future__ import annotations

import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "model-scanning.md"
START, END = "<!-- differential:start -->", "<!-- differential:end -->"
SYMBOL = {"flagged": "**flagged**", "warned": "warned", "clean": "clean", "error": "error",
          "skipped": "skipped"}  # fmt: skip


def table() -> str:
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "src"))
    from tests.support.model_tools import TOOLS

    from mlsec_policy.policytest.corpus import cases

    tools = list(TOOLS)
    head = "| case | file | malicious | note | " + " | ".join(tools) + " |"
    lines = [head, "|" + "---|" * (4 + len(tools))]
    counts = {tool: [0, 0, 0] for tool in tools}  # caught malicious, flagged benign, malicious
    with tempfile.TemporaryDirectory() as scratch:
        for case in cases():
            folder = Path(scratch) / case.name
            folder.mkdir()
            path = folder / case.filename
            path.write_bytes(case.build())
            verdicts = {tool: run(path).value for tool, run in TOOLS.items()}
            for tool, verdict in verdicts.items():
                if case.malicious:
                    counts[tool][2] += 1
                    counts[tool][0] += verdict == "flagged"
                elif verdict == "flagged":
                    counts[tool][1] += 1
            cells = " | ".join(SYMBOL[verdicts[t]] for t in tools)
            mark = "yes" if case.malicious else "no"
            lines.append(f"| {case.name} | `{case.filename}` | {mark} | {case.note} | {cells} |")
    versions = ", ".join(f"{t} {version(t)}" for t in tools[1:])
    summary = [
        "",
        f"Peers: {versions}. Totals (malicious caught / benign flagged):",
        "",
        "| tool | malicious caught | benign flagged |",
        "|---|---|---|",
    ]
    summary += [f"| {t} | {c[0]}/{c[2]} | {c[1]} |" for t, c in counts.items()]
    return "\n".join(lines + summary)


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(f"{before}{START}\n{table()}\n{END}{after}", encoding="utf-8")
    print(f"updated {DOC}")


if __name__ == "__main__":
    main()
