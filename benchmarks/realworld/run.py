"""Scan every manifest repository present in the corpus and record each finding with its code.

Usage:
  python benchmarks/realworld/run.py [--corpus DIR] [--out DIR] [--mlsec-policy CMD]
                                     [--jobs N] [--kill-after MIN] [--only NAME ...]
  python benchmarks/realworld/run.py --table [--out DIR]   (the summary table, no scan)

For each repository of manifest.yaml found under --corpus, the clone's HEAD must equal the
pinned commit and its tree must be clean, else the repository is refused. The scan is
`CMD scan <repo> --jobs N --json-output ...`; a scan still running after --kill-after
minutes is killed and recorded as a timeout. Per repository, OUT/repos/ keeps the JSON
report, the finding rows and a summary; OUT/findings.jsonl and OUT/scan-summary.json are
then rebuilt from every manifest repository's files in OUT/repos/, so --only refreshes one
repository and keeps the others. Exit status: 0 when every selected repository was scanned,
2 when one was refused, 1 when one timed out or wrote no report. At the end it prints a
Markdown table per repository: files, wall time, exit code, findings, scan errors and the
controls left in `error`. Each summary also records what scanned: the scanner checkout's
commit (and whether its tree was dirty), the tool and semgrep versions and the policy digest.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rw_manifest import DEFAULT_CORPUS, DEFAULT_RESULTS, MANIFEST, Repo, load_manifest
from rw_rows import FindingRow, read_rows, rows_from_report, sort_key, write_rows

STDERR_TAIL = 2000


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def scanner_source(cli: list[str]) -> dict[str, str]:
    """Return the commit of the checkout the scanner runs from and whether its tree is dirty.

    The command is usually `<checkout>/.venv/bin/mlsec-policy` from an editable install, so the
    checkout is the git work tree holding the command. Empty when it is not in one.
    """
    executable = Path(cli[0]).expanduser()
    if not executable.is_absolute():
        return {}
    head = _git(executable.parent, "rev-parse", "HEAD")
    if not head:
        return {}
    dirty = bool(_git(executable.parent, "status", "--porcelain", "--untracked-files=no"))
    return {"scanner_commit": head, "scanner_tree": "dirty" if dirty else "clean"}


def refusal(repo: Repo, root: Path) -> str | None:
    """Why the clone at ROOT is not the pinned commit, or None when it is."""
    head = _git(root, "rev-parse", "HEAD")
    if head != repo.commit:
        return f"HEAD is {head or 'unreadable'}, the manifest pins {repo.commit}"
    changed = _git(root, "status", "--porcelain", "--untracked-files=no")
    if changed:
        return f"the work tree differs from the pinned commit: {changed.splitlines()[0]} …"
    return None


def _run(command: list[str], kill_after: float) -> tuple[int | None, float, str]:
    """Run COMMAND in its own process group; (exit code or None on timeout, seconds, stderr)."""
    start = time.monotonic()
    with subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            _, stderr = process.communicate(timeout=kill_after)
            code: int | None = process.returncode
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate()
            code = None
    return code, time.monotonic() - start, stderr or ""


def summarise(report: dict[str, Any], rows: list[FindingRow]) -> dict[str, Any]:
    """Extract what the baseline table needs from a report: errors, error controls, counts."""
    error_controls = [
        {
            "control_id": result["control"]["id"],
            "severity": result["severity"],
            "reason": result["reason"],
            "errors": [error["message"] for error in result["errors"]],
        }
        for result in report.get("results", [])
        if result["status"] == "error"
    ]
    statuses = Counter(result["status"] for result in report.get("results", []))
    return {
        "report_seconds": report.get("duration_seconds"),
        "files": sum(report.get("inventory_counts", {}).values()),
        "inventory_counts": report.get("inventory_counts", {}),
        "skipped_files": len(report.get("skipped", [])),
        "control_statuses": dict(sorted(statuses.items())),
        "findings": len(rows),
        "findings_suppressed": sum(1 for row in rows if row.suppressed),
        "findings_per_control": dict(sorted(Counter(row.control_id for row in rows).items())),
        "scan_errors": report.get("errors", []),
        "error_controls": error_controls,
    }


def scan_one(
    repo: Repo, root: Path, out: Path, cli: list[str], jobs: int, kill_after: float
) -> dict[str, Any]:
    """Scan one repository; write its report, rows and summary under OUT/repos/."""
    folder = out / "repos"
    folder.mkdir(parents=True, exist_ok=True)
    report_path = folder / f"{repo.name}.report.json"
    report_path.unlink(missing_ok=True)
    summary: dict[str, Any] = {"repo": repo.name, "commit": repo.commit, "kind": repo.kind}
    summary["absent_files"] = list(repo.absent)
    summary.update(scanner_source(cli))
    command = [*cli, "scan", str(root), "--jobs", str(jobs), "--no-color", "-q"]
    command += ["--json-output", str(report_path)]
    summary["command"] = shlex.join(command)
    print(f"== {repo.name}: scanning …", flush=True)
    code, seconds, stderr = _run(command, kill_after * 60)
    summary.update(exit_code=code, wall_seconds=round(seconds, 1))
    summary["stderr_tail"] = stderr[-STDERR_TAIL:]
    rows: list[FindingRow] = []
    if code is None:
        summary["status"] = "timeout"
    elif not report_path.is_file():
        summary["status"] = "no-report"
    else:
        report = json.loads(report_path.read_text(encoding="utf-8"))
        rows = rows_from_report(report, repo.name, repo.commit, root)
        summary["status"] = "scanned"
        summary["tool_version"] = report.get("tool", {}).get("version", "")
        summary["semgrep_version"] = report.get("tool", {}).get("semgrep_version", "")
        summary["policy_digest"] = report.get("policy", {}).get("digest", "")
        summary.update(summarise(report, rows))
    write_rows(folder / f"{repo.name}.findings.jsonl", rows)
    (folder / f"{repo.name}.summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    errors = len(summary.get("scan_errors", [])) + len(summary.get("error_controls", []))
    print(
        f"   {summary['status']}: exit {code}, {seconds:.1f} s, {len(rows)} findings, "
        f"{errors} errors",
        flush=True,
    )
    return summary


def rebuild(out: Path, repos: list[Repo]) -> None:
    """Combine the per-repository files of manifest repositories into the two outputs."""
    folder = out / "repos"
    rows: list[FindingRow] = []
    summaries: list[dict[str, Any]] = []
    for repo in repos:
        summary_path = folder / f"{repo.name}.summary.json"
        if not summary_path.is_file():
            continue
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        if summary.get("commit") != repo.commit:
            continue  # a scan of another commit: stale, not combined
        summaries.append(summary)
        findings_path = folder / f"{repo.name}.findings.jsonl"
        if findings_path.is_file():
            rows.extend(read_rows(findings_path))
    write_rows(out / "findings.jsonl", sorted(rows, key=sort_key))
    combined = {"repos": summaries, "findings": len(rows)}
    (out / "scan-summary.json").write_text(
        json.dumps(combined, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def summary_table(out: Path) -> str:
    """Render OUT/scan-summary.json as a Markdown table, one row per repository."""
    combined = json.loads((out / "scan-summary.json").read_text(encoding="utf-8"))
    lines = [
        "| repo | kind | commit | files | wall s | exit | findings | scan errors "
        "| error controls |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for entry in combined["repos"]:
        exit_code = "killed" if entry["exit_code"] is None else str(entry["exit_code"])
        controls = ", ".join(c["control_id"] for c in entry.get("error_controls", [])) or "—"
        cells = [
            entry["repo"],
            entry["kind"],
            f"`{entry['commit'][:12]}`",
            str(entry.get("files", "—")),
            f"{entry['wall_seconds']:.1f}",
            exit_code,
            str(entry.get("findings", "—")),
            str(len(entry.get("scan_errors", []))),
            controls,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--mlsec-policy", dest="cli", default="mlsec-policy")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--kill-after", type=float, default=15.0, help="minutes per scan")
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--table", action="store_true", help="only print the summary table")
    args = parser.parse_args(argv)
    repos = load_manifest(args.manifest)
    if args.table:
        rebuild(args.out, repos)
        print(summary_table(args.out), end="")
        return 0
    unknown = set(args.only) - {repo.name for repo in repos}
    if unknown:
        parser.error(f"not in the manifest: {', '.join(sorted(unknown))}")
    selected = [repo for repo in repos if not args.only or repo.name in args.only]
    status = 0
    for repo in selected:
        root = args.corpus / repo.name
        if not root.is_dir():
            print(f"== {repo.name}: not in {args.corpus}, skipped")
            continue
        why = refusal(repo, root)
        if why is not None:
            print(f"== {repo.name}: REFUSED, {why}", file=sys.stderr)
            status = 2
            continue
        summary = scan_one(repo, root, args.out, shlex.split(args.cli), args.jobs, args.kill_after)
        if summary["status"] != "scanned" and status == 0:
            status = 1
    rebuild(args.out, repos)
    print(f"wrote {args.out / 'findings.jsonl'} and {args.out / 'scan-summary.json'}")
    print(summary_table(args.out))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
