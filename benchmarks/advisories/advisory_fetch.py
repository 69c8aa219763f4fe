"""Bring released source trees onto the machine and unpack them safely.

Wheels and sdists come from the package index through ``pip download``; tagged trees of a
public repository come from a local bare mirror (``--mirrors``), or are cloned into the corpus
when none is there. Archives are unpacked member by member: absolute names, ``..`` parts,
links and device files are refused, so nothing is written outside the destination. Only the
sdist route lets pip run the package's build backend (to read its metadata); entries use it
only where no wheel carries the same files.
"""

from __future__ import annotations

import io
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from advisory_entries import Release

MANIFESTS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "PKG-INFO")


class FetchError(RuntimeError):
    """A release could not be downloaded or unpacked."""


def _safe_name(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path


def _unpack_zip(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            rel = _safe_name(info.filename)
            mode = info.external_attr >> 16
            if rel is None or info.is_dir() or stat.S_ISLNK(mode):
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out)


def _unpack_tar(stream: tarfile.TarFile, dest: Path, strip: int) -> None:
    for member in stream:
        if not member.isfile():
            continue  # directories are made on demand; links and devices are refused
        rel = _safe_name(member.name)
        if rel is None or len(rel.parts) <= strip:
            continue
        target = dest.joinpath(*rel.parts[strip:])
        source = stream.extractfile(member)
        if source is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with source, target.open("wb") as out:
            shutil.copyfileobj(source, out)


def _pip_download(release: Release, dists: Path) -> Path:
    dists.mkdir(parents=True, exist_ok=True)
    spec = f"{release.package}=={release.version}"
    kind = ["--only-binary", ":all:"] if release.source == "wheel" else ["--no-binary", ":all:"]
    before = set(dists.iterdir())
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--pre", "--quiet",
         "--disable-pip-version-check", *kind, "--dest", str(dists), spec],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise FetchError(f"pip download {spec} failed: {done.stderr.strip()[-400:]}")
    new = sorted(set(dists.iterdir()) - before)
    if new:
        return new[0]
    # already downloaded before: find it by the normalised name and version
    stem = release.package.lower().replace("-", "_")
    for candidate in sorted(dists.iterdir()):
        name = candidate.name.lower().replace("-", "_")
        prefix = f"{stem}_{release.version}".lower()
        if name.startswith((prefix + "_", prefix + ".tar", prefix + ".zip")):
            return candidate
    raise FetchError(f"pip download {spec} left no file in {dists}")


def _git_dir(release: Release, corpus: Path, mirrors: Path | None) -> Path:
    assert release.repo is not None
    slug = release.repo.replace("/", "+")
    if mirrors is not None:
        for candidate in (mirrors / slug / "repo", mirrors / slug):
            if (candidate / "HEAD").is_file() or (candidate / ".git").exists():
                return candidate
    clone = corpus / "git" / slug
    if not clone.exists():
        done = subprocess.run(
            ["git", "clone", "--bare", "--quiet", f"https://github.com/{release.repo}", str(clone)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise FetchError(f"cannot clone {release.repo}: {done.stderr.strip()[-300:]}")
    return clone


def _git_archive(release: Release, git_dir: Path, dest: Path) -> None:
    """Write the scan root and the root manifests of the tagged commit into ``dest``.

    Only those paths are read, so a mirror that lacks some large blobs elsewhere (model
    files, images) still serves the entry.
    """
    assert release.commit is not None
    git = ["git", "--git-dir", str(git_dir)]
    listed = subprocess.run(
        [*git, "ls-tree", "--name-only", release.commit],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    paths: list[str] = []  # no path: the whole commit
    if release.scan_root != ".":
        paths = [name for name in listed.stdout.split() if name in MANIFESTS]
        paths.append(release.scan_root.rstrip("/"))
    done = subprocess.run(
        [*git, "archive", "--format=tar", release.commit, "--", *paths],
        capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()[-300:]
        raise FetchError(f"git archive {release.repo}@{release.commit}: {message}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout), mode="r:") as stream:
        _unpack_tar(stream, dest, strip=0)


def release_tree(release: Release, corpus: Path, mirrors: Path | None) -> Path:
    """Return the unpacked tree of ``release`` under ``corpus``, fetching it once."""
    name = f"{release.package}-{release.version}-{release.source}"
    if release.source == "git":  # only the scan root is taken from a repository
        name = f"{release.key}-git"
    tree = corpus / "trees" / name
    marker = tree.with_name(tree.name + ".done")
    if marker.is_file() and tree.is_dir():
        return tree
    if tree.exists():
        shutil.rmtree(tree)
    partial = tree.with_name(tree.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    if release.source == "git":
        _git_archive(release, _git_dir(release, corpus, mirrors), partial)
    else:
        archive = _pip_download(release, corpus / "dists")
        if archive.suffix == ".whl" or archive.suffix == ".zip":
            _unpack_zip(archive, partial)
        else:
            with tarfile.open(archive) as stream:
                _unpack_tar(stream, partial, strip=1)  # sdists hold one NAME-VERSION/ folder
    partial.rename(tree)
    marker.write_text(f"{release.package} {release.version}\n")
    return tree


def scan_tree(release: Release, tree: Path, corpus: Path) -> Path:
    """Return the folder to scan: the whole tree, or the scan root plus the manifests.

    A partial tree keeps the release's own relative paths, so finding paths compare with the
    entry's ``file`` directly.
    """
    if release.scan_root == ".":
        return tree
    target = corpus / "scan-trees" / release.key
    marker = target.with_name(target.name + ".done")
    if marker.is_file() and target.is_dir():
        return target
    if target.exists():
        shutil.rmtree(target)
    source = tree / release.scan_root
    if not source.is_dir():
        raise FetchError(f"{release.package} {release.version}: no folder {release.scan_root}")
    shutil.copytree(source, target / release.scan_root, symlinks=True)
    for child in tree.iterdir():
        manifest = child.name in MANIFESTS or child.name.endswith(".dist-info")
        if manifest and child.is_file():
            shutil.copy2(child, target / child.name)
        elif manifest and child.is_dir() and (child / "METADATA").is_file():
            (target / child.name).mkdir(parents=True, exist_ok=True)
            shutil.copy2(child / "METADATA", target / child.name / "METADATA")
    marker.write_text(release.key + "\n")
    return target
