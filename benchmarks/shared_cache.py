"""Many repositories sharing one large checkpoint, scanned with one shared result cache.

Generates COUNT git repositories that each hold the same PyTorch-layout checkpoint of SIZE
(zeros: written once as a sparse file, hard-linked into every clone so the copies take no disk,
and stored by git compressed), plus a small training script of their own. Then, in one run, it
scans them all (``--jobs`` scans at once, one ``mlsec-policy scan`` process per repository, as
``fleet`` runs them) several ways:

- ``scan``: the plain scan, without a cache (the reference), then with one shared
  ``--cache-dir`` empty at the start, then again with that cache warm;
- ``scan+bom``: the scan also writes an ML-BOM (``--bom-output``), which lists every model
  file's SHA-256 — without a cache (the reference), then with a shared cache: only the first
  scan to meet the checkpoint hashes it, the others take its SHA-256 from git's index and the
  shared mapping;
- ``main scan+bom shared`` (with ``--main BIN``): today's main with one shared cache.

For each it prints the bytes read by the whole process tree (``procio.py``: ``rchar`` and
``read_bytes`` of every process, reaped children included), wall and CPU time, and how many
checkpoints' worth the reads amount to; it checks that every report of a cached run is
byte-identical to the reference's (``SOURCE_DATE_EPOCH`` fixes the time stamps).

    python benchmarks/shared_cache.py WORKDIR [--count 50] [--size-mb 1024] [--jobs 2]
        [--mlsec-policy BIN] [--main BIN]

WORKDIR is created and needs about SIZE of disk plus a little per repository.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from procio import TreeIO, measure_io

from mlsec_policy.policytest import forge

CHUNK = 1 << 24
OLD = "2020-01-01 00:00:00"
"""Files get an old modification time, so no index entry is racily clean."""


def write_checkpoint(path: Path, size: int) -> None:
    """Write a ``torch.save``-layout zip whose one storage is ``size`` zero bytes."""
    state = forge.state_dict({"encoder.weight": (size,)}, "ByteStorage")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("archive/data.pkl", forge.dumps(state, 2))
        archive.writestr("archive/byteorder", b"little")
        with archive.open("archive/data/0", "w", force_zip64=True) as member:
            zeros, left = bytes(CHUNK), size
            while left:
                member.write(zeros[: min(CHUNK, left)])
                left -= min(CHUNK, left)
        archive.writestr("archive/version", b"3\n")


def git(*arguments: str, cwd: Path) -> None:
    """Run git quietly in ``cwd`` (with a fixed identity)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    subprocess.run(["git", *arguments], cwd=cwd, env=env, check=True, capture_output=True)


def make_repositories(work: Path, count: int, size: int) -> list[Path]:
    """Create ``count`` repositories sharing one checkpoint; return their folders.

    Each is a clone of one template repository (``--shared``: git's objects are not copied)
    whose checkpoint is a hard link to the template's sparse file, so fifty copies take no
    disk. Git hashes that file once (``update-index --refresh`` in the template, after the last
    link changed its inode's change time); every clone's index is a copy of the template's,
    which git itself wrote for that very inode — the state a fresh clone is in.
    """
    dense = work / "model.pt.dense"
    template = work / "template"
    checkpoint = template / "models" / "model.pt"
    (template / "models").mkdir(parents=True)
    write_checkpoint(dense, size)
    subprocess.run(["cp", "--sparse=always", str(dense), str(checkpoint)], check=True)
    dense.unlink()
    subprocess.run(["touch", "-d", OLD, str(checkpoint)], check=True)
    git("init", "-q", "-b", "main", cwd=template)
    git("add", "-A", cwd=template)
    git("commit", "-q", "-m", "checkpoint", cwd=template)
    repositories = []
    for number in range(count):
        folder = work / "repos" / f"repo-{number:03d}"
        folder.parent.mkdir(parents=True, exist_ok=True)
        git("clone", "-q", "--no-checkout", "--shared", str(template), str(folder), cwd=work)
        (folder / "models").mkdir()
        os.link(checkpoint, folder / "models" / "model.pt")
        (folder / "train.py").write_text(
            f"import torch\n\nSEED = {number}\nmodel = torch.load('models/model.pt')\n",
            encoding="utf-8",
        )
        subprocess.run(["touch", "-d", OLD, str(folder / "train.py")], check=True)
        repositories.append(folder)
    git("update-index", "-q", "--refresh", cwd=template)
    for number, folder in enumerate(repositories):
        shutil.copyfile(template / ".git" / "index", folder / ".git" / "index")
        git("add", "train.py", cwd=folder)
        git("commit", "-q", "-m", f"repository {number}", cwd=folder)
    return repositories


def run_scans(binary: str, own: str, listing: Path, out: Path, jobs: int, *options: str) -> TreeIO:
    """Scan every repository of ``listing`` (``jobs`` at once) and return what the tree read.

    ``PYTHONPATH`` (a snapshot of the code under test) reaches only the scans of ``own``.
    Each scan writes ``OUT/reports/<repo>.json`` (and, with ``--bom``, ``OUT/boms/<repo>.json``:
    an ML-BOM lists every model file's SHA-256, the read a shared cache saves).
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    if binary != own:
        env.pop("PYTHONPATH", None)  # another installation: it imports its own code
    me = [sys.executable, str(Path(__file__).resolve()), "--scan-all", str(listing), str(out)]
    return measure_io([*me, binary, str(jobs), *options], env=env)


def scan_all(listing: Path, out: Path, binary: str, jobs: int, options: list[str]) -> int:
    """Run one ``scan`` per listed repository, ``jobs`` at once (the measured process tree)."""
    bom = "--bom" in options
    options = [o for o in options if o != "--bom"]
    (out / "reports").mkdir(parents=True)
    (out / "boms").mkdir()

    def one(line: str) -> int:
        folder = Path(line)
        command = [binary, "scan", str(folder), "-q", *options]
        command += ["--json-output", str(out / "reports" / f"{folder.name}.json")]
        if bom:
            command += ["--bom-output", str(out / "boms" / f"{folder.name}.json")]
        return subprocess.run(command, capture_output=True, check=False).returncode

    lines = listing.read_text(encoding="utf-8").split()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        codes = list(pool.map(one, lines))
    return max(codes)


def same_reports(first: Path, second: Path) -> bool:
    """Return whether two fleet runs wrote byte-identical reports."""
    names = sorted(p.name for p in (first / "reports").glob("*.json"))
    others = sorted(p.name for p in (second / "reports").glob("*.json"))
    return (
        bool(names)
        and names == others
        and all(
            (first / "reports" / n).read_bytes() == (second / "reports" / n).read_bytes()
            for n in names
        )
    )


def main() -> int:
    """Generate the repositories, run the scenarios and print the table."""
    if sys.argv[1:2] == ["--scan-all"]:
        listing, out, binary, jobs, *options = sys.argv[2:]
        return scan_all(Path(listing), Path(out), binary, int(jobs), options)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mlsec-policy", default=shutil.which("mlsec-policy") or "mlsec-policy")
    parser.add_argument("--main", help="today's main, measured with one shared cache")
    parser.add_argument(
        "--runs", nargs="*", default=[], help="only these runs (names with '-' for spaces)"
    )
    args = parser.parse_args()
    size = args.size_mb * 2**20
    if args.workdir.exists():
        sys.exit(f"{args.workdir} exists; give a new folder")
    repositories = make_repositories(args.workdir, args.count, size)
    listing = args.workdir / "repositories.txt"
    listing.write_text("".join(f"{r}\n" for r in repositories), encoding="utf-8")
    runs = scenarios(args.workdir, args.mlsec_policy, args.main, args.runs)
    print(f"{args.count} repositories, one {args.size_mb} MiB checkpoint each, --jobs {args.jobs}")
    print(
        f"{'run':22} {'rchar GiB':>10} {'checkpoints':>11} {'read_bytes':>11} {'wall s':>7} "
        f"{'cpu s':>7}  outputs"
    )
    references: dict[bool, Path] = {}
    for name, binary, scan_options in runs:
        out = args.workdir / ("out-" + name.replace(" ", "-"))
        measured = run_scans(binary, args.mlsec_policy, listing, out, args.jobs, *scan_options)
        bom = "--bom" in scan_options
        same = "reference"
        if bom in references:
            same = "identical" if same_reports(references[bom], out) else "DIFFER"
        references.setdefault(bom, out)
        print(
            f"{name:22} {measured.rchar / 2**30:10.2f} {measured.rchar / size:11.2f} "
            f"{measured.read_bytes / 2**20:9.1f}Mi {measured.wall:7.1f} {measured.cpu:7.1f}  "
            f"{same} (exit {measured.returncode})",
            flush=True,
        )
    return 0


def scenarios(
    work: Path, binary: str, main: str | None, wanted: list[str]
) -> list[tuple[str, str, tuple[str, ...]]]:
    """Return (name, binary, scan options) of every run; the first of each kind is the reference."""
    shared = ("--cache-dir", str(work / "shared-cache"))
    bom_shared = ("--cache-dir", str(work / "shared-cache-bom"))
    runs = [
        ("scan+bom no-cache", binary, ("--bom", "--no-cache")),
        ("scan+bom shared", binary, ("--bom", *bom_shared)),
        ("scan no-cache", binary, ("--no-cache",)),
        ("scan shared", binary, shared),
        ("scan shared warm", binary, shared),
    ]
    if main:
        runs.insert(2, ("main scan+bom shared", main, ("--bom", "--cache-dir", str(work / "main"))))
    return [run for run in runs if not wanted or run[0].replace(" ", "-") in wanted]


if __name__ == "__main__":
    sys.exit(main())
