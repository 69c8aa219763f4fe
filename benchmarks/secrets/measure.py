r"""Measure the secret recognisers on gitleaks' own rule examples, in every kind of file.

For each in-scope gitleaks rule (:data:`scope.PROVIDERS`), every true and false example is
written into each file kind of :mod:`file_kinds` — one example per file, so that a finding maps
back to exactly one example — in one generated git repository per kind. Each repository is
scanned once with ``mlsec-policy scan --json-output … --jobs 1``. A true example is *caught*
when a secrets control (``MLSEC-SECRET-*``) reports a finding on a line that holds it; a false
example is *flagged* when one does. Every example counts once in every kind it can be written
into (gitleaks' 26 phrasings of one generated secret become 26 files, as they are 26 examples).

    python benchmarks/secrets/measure.py --gitleaks /work/corpus/gitleaks \
        --tool /work/main/.venv/bin/mlsec-policy --markdown RESULTS-table.md [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from file_kinds import KINDS, Placement, Rendered, verbatim
from gitleaks_examples import Example, RuleExamples, extract
from scope import NAME_RULES, default_key, provider_of
from tables import VERBATIM, Outcome, ScanInfo, markdown

SECRET_CONTROL_PREFIX = "MLSEC-SECRET-"


@dataclass(frozen=True, slots=True)
class Case:
    """One example ready to be written: its provider, setting name and value."""

    provider: str
    example: Example
    key: str
    value: str | None
    """None when a false example has no value to embed (it is measured verbatim only)."""


@dataclass
class KindRun:
    """The files of one kind and what the scan said about them."""

    kind: str
    files: dict[str, tuple[Case, Rendered]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def cases(rules: Iterable[RuleExamples]) -> Iterator[Case]:
    """Yield a case for every example of every in-scope rule."""
    for rule in rules:
        provider = provider_of(rule.rule_id)
        if provider is None:
            continue
        for example in (*rule.positives, *rule.negatives):
            key = example.key or default_key(rule.rule_id)
            value = example.secret
            if not example.positive and example.key is None and rule.rule_id in NAME_RULES:
                value = None
            yield Case(provider, example, key, value)


def layout(kind: str, all_cases: list[Case]) -> KindRun:
    """Render every case for one kind, one file per case."""
    run = KindRun(kind)
    for index, case in enumerate(all_cases, start=1):
        name = f"c{index:05d}"
        if kind == VERBATIM:
            rendered = verbatim(name, case.example.text)
        elif case.value is None:
            continue
        else:
            rendered = KINDS[kind](Placement(case.key, case.value, name))
        run.files[rendered.path] = (case, rendered)
    return run


def write_repo(root: Path, run: KindRun) -> None:
    """Write the kind's files into a fresh git work tree at ``root``."""
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for path, (_, rendered) in run.files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rendered.text, encoding="utf-8")


def scan(tool: str, root: Path, output: Path, cache: Path) -> dict[str, object]:
    """Run one scan and return its JSON report; a failed scan raises."""
    command = [tool, "scan", str(root), "--json-output", str(output), "--jobs", "1"]
    command += ["--no-config", "--no-hash-cache", "--no-color", "-q"]
    env = {**os.environ, "MLSEC_POLICY_CACHE_DIR": str(cache)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=7200)
    if done.returncode not in (0, 1) or not output.exists():
        raise RuntimeError(f"scan of {root} failed ({done.returncode}): {done.stderr[-2000:]}")
    report: dict[str, object] = json.loads(output.read_text(encoding="utf-8"))
    return report


def secret_hits(report: dict[str, object]) -> dict[str, list[tuple[int | None, str]]]:
    """Return path → [(line, check id)] for every finding of a secrets control."""
    hits: dict[str, list[tuple[int | None, str]]] = {}
    results = report.get("results")
    for result in results if isinstance(results, list) else []:
        control = result.get("control", {}).get("id", "")
        if not str(control).startswith(SECRET_CONTROL_PREFIX):
            continue
        for finding in result.get("findings", []):
            location = finding.get("location", {})
            check = f"{control}/{finding.get('check_id')}"
            hits.setdefault(location.get("path", ""), []).append(
                (location.get("start_line"), check)
            )
    return hits


def outcomes(run: KindRun, report: dict[str, object]) -> list[Outcome]:
    """Judge every file of one kind against the scan's secret findings."""
    hits = secret_hits(report)
    errors = report.get("errors")
    run.errors = [json.dumps(e)[:300] for e in errors] if isinstance(errors, list) else []
    judged: list[Outcome] = []
    for path, (case, rendered) in run.files.items():
        in_span = tuple(
            sorted(
                {
                    check
                    for line, check in hits.get(path, [])
                    if line is None or rendered.first <= line <= rendered.last
                }
            )
        )
        elsewhere = len(hits.get(path, [])) - sum(
            1
            for line, _ in hits.get(path, [])
            if line is None or rendered.first <= line <= rendered.last
        )
        judged.append(
            Outcome(
                run.kind, case.provider, case.example, case.value, bool(in_span), in_span, elsewhere
            )
        )
    return judged


def measure(
    tool: str, rules: list[RuleExamples], kinds: list[str], keep: Path | None
) -> tuple[list[Outcome], list[ScanInfo]]:
    """Build, scan and judge one repository per kind."""
    all_cases = list(cases(rules))
    judged: list[Outcome] = []
    infos: list[ScanInfo] = []
    with tempfile.TemporaryDirectory(prefix="mlsec-secrets-") as temp:
        base = keep or Path(temp)
        for kind in kinds:
            run = layout(kind, all_cases)
            root = base / kind
            write_repo(root, run)
            report = scan(tool, root, base / f"{kind}.json", Path(temp) / "cache")
            judged.extend(outcomes(run, report))
            infos.append(ScanInfo(kind, len(run.files), run.errors))
            print(
                f"{kind}: {len(run.files)} files scanned, {len(run.errors)} scan errors",
                file=sys.stderr,
            )
    return judged, infos


def tool_version(tool: str) -> str:
    """Return the tool's ``--version`` line."""
    done = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip()


def commit_of(checkout: Path) -> str:
    """Return the commit a checkout is at."""
    done = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print or write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gitleaks", type=Path, required=True, help="a gitleaks checkout")
    parser.add_argument("--tool", default="mlsec-policy", help="the mlsec-policy executable")
    parser.add_argument(
        "--kind", action="append", choices=[*KINDS, VERBATIM], help="only these kinds"
    )
    parser.add_argument("--markdown", type=Path, help="write the tables to this file")
    parser.add_argument("--json", type=Path, help="write every judged example to this file")
    parser.add_argument("--keep", type=Path, help="keep the generated repositories here")
    args = parser.parse_args(argv)
    kinds = args.kind or [*KINDS, VERBATIM]
    rules = [r for r in extract(args.gitleaks) if provider_of(r.rule_id) is not None]
    judged, infos = measure(args.tool, rules, kinds, args.keep)
    header = {
        "gitleaks commit": commit_of(args.gitleaks),
        "tool": tool_version(args.tool),
        "file kinds": ", ".join(kinds),
    }
    text = markdown(header, rules, judged, infos)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    else:
        print(text)
    if args.json:
        rows = [o.as_json() for o in judged]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
