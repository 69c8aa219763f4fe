"""Score the real-code examples of ``real_examples.yaml``: found or missed, class by class.

Each repository of the manifest is scanned once from its checkout under ``--checkouts``
(``<checkouts>/<folder>``, whose HEAD must be the pinned commit; the script never fetches), and
each example counts as found when the report holds a finding of its control and check at its path
and line; each negative counts as quiet when it holds none there. Prints one line per example and
a table per class (Markdown with ``--markdown``). Run from the checkout:

    python benchmarks/recall/real_examples.py --checkouts /work/corpus/realex \
        [--mlsec-policy .venv/bin/mlsec-policy] [--markdown]

Exit status: 0 when every repository was scanned, 2 when one is absent or at another commit,
1 when a scan wrote no report.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = Path(__file__).with_name("real_examples.yaml")
Place = tuple[str, int, str, str]
"""(path, line, control, check) of one finding."""


@dataclass(frozen=True)
class Example:
    """One place of the manifest: where a check must report (or, for a negative, must not)."""

    repo: str
    folder: str
    commit: str
    path: str
    line: int
    control: str
    check: str
    klass: str
    why: str

    @property
    def place(self) -> Place:
        """The finding this example expects."""
        return (self.path, self.line, self.control, self.check)


def load(path: Path = MANIFEST) -> tuple[list[Example], list[Example]]:
    """Return the examples and the negatives of the manifest."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def entries(key: str) -> list[Example]:
        return [
            Example(
                str(e["repo"]),
                str(e["folder"]),
                str(e["commit"]),
                str(e["path"]),
                int(e["line"]),
                str(e["control"]),
                str(e["check"]),
                str(e["class"]),
                str(e["why"]),
            )
            for e in data.get(key) or []
        ]

    return entries("examples"), entries("negatives")


def places(report: dict[str, Any]) -> set[Place]:
    """Every finding of a JSON report, suppressed ones included, as (path, line, control, check)."""
    found: set[Place] = set()
    for result in report.get("results", []):
        for finding in result.get("findings", []):
            location = finding["location"]
            line = location.get("start_line") or 0
            found.add((location["path"], line, finding["control_id"], finding["check_id"]))
    return found


def scan(cli: list[str], root: Path) -> set[Place] | None:
    """Scan one checkout and return its findings, or None when no report was written."""
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        command = [*cli, "scan", str(root), "--jobs", "1", "--no-color", "-q"]
        command += ["--json-output", str(report_path)]
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
        if not report_path.is_file():
            return None
        return places(json.loads(report_path.read_text(encoding="utf-8")))


def refusal(example: Example, root: Path) -> str | None:
    """Say why a checkout cannot be scored (absent, or not at the pinned commit)."""
    if not root.is_dir():
        return f"{example.repo}: no checkout at {root}"
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if head != example.commit:
        return f"{example.repo}: HEAD is {head or 'unknown'}, the manifest pins {example.commit}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Scan each manifest repository and print found/missed per example and per class."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkouts", type=Path, required=True)
    parser.add_argument("--mlsec-policy", default=str(ROOT / ".venv/bin/mlsec-policy"))
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    examples, negatives = load()
    findings: dict[str, set[Place]] = {}
    status = 0
    for example in [*examples, *negatives]:
        if example.folder in findings:
            continue
        root = args.checkouts / example.folder
        reason = refusal(example, root)
        if reason is not None:
            print(f"REFUSED {reason}", file=sys.stderr)
            status = 2
            continue
        scanned = scan([args.mlsec_policy], root)
        if scanned is None:
            print(f"NO REPORT {example.repo}", file=sys.stderr)
            status = max(status, 1)
            continue
        findings[example.folder] = scanned
    counts: Counter[tuple[str, str]] = Counter()
    for group, verdicts in ((examples, ("found", "missed")), (negatives, ("flagged", "quiet"))):
        for example in group:
            if example.folder not in findings:
                continue
            verdict = verdicts[0] if example.place in findings[example.folder] else verdicts[1]
            counts[(example.klass, verdict)] += 1
            what = example.check if group is examples else "(negative)"
            print(f"{verdict:7} {example.repo} {example.path}:{example.line} {what}")
    classes = sorted({e.klass for e in [*examples, *negatives]})
    if args.markdown:
        print("| class | found | missed | negatives quiet | negatives flagged |")
        print("| --- | ---: | ---: | ---: | ---: |")
    for klass in classes:
        row = [counts[(klass, v)] for v in ("found", "missed", "quiet", "flagged")]
        if args.markdown:
            print(f"| {klass} | " + " | ".join(str(n) for n in row) + " |")
        else:
            counted = f"found {row[0]}, missed {row[1]}; negatives quiet {row[2]}, flagged {row[3]}"
            print(f"{klass}: {counted}")
    return status


if __name__ == "__main__":
    sys.exit(main())
