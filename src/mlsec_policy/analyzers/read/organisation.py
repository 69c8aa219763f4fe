"""Who publishes the scanned repository: its organisation's domains and its project names.

A vendor's own ``support@`` address in its documentation is not personal data. To know which
domains are the project's own, read what the repository says about itself, never the network:

- names: the git remotes' owner and repository (``github.com/h2oai/h2ogpt``), the package name
  in ``pyproject.toml`` / ``setup.cfg`` / ``setup.py`` / ``package.json``, the root folder name;
- domains: hosts of the package's home page and project URLs, domains of its authors' and
  maintainers' e-mail addresses, and README links whose host spells one of the names
  (``h2o.ai`` for ``h2oai``, ``huggingface.co`` for ``huggingface``).

Files are read at the root only, bounded in size, without following a path out of the root.
``setup.py`` is read as text, never run.
"""

from __future__ import annotations

import configparser
import functools
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlsec_policy.analyzers.read.paths import resolve_inside
from mlsec_policy.textfile import load_json

MAX_BYTES = 256 * 1024
README_NAMES = ("README.md", "README.rst", "README.txt", "README", "readme.md")
CODE_HOSTS = frozenset(
    {"github.com", "gitlab.com", "bitbucket.org", "pypi.org", "readthedocs.io", "github.io",
     "readthedocs.org", "sourceforge.net", "codeberg.org", "gitee.com"}
)  # fmt: skip
"""Hosts of many projects: a link there says nothing about who the project is."""

_URL_HOST = re.compile(r"https?://(?:[^/@\s]+@)?([A-Za-z0-9.-]+\.[A-Za-z]{2,24})")
_REMOTE = re.compile(r"^\s*url\s*=\s*(\S+)", re.MULTILINE)
_REMOTE_PATH = re.compile(r"(?:[:/])([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")
_SETUP_FIELD = re.compile(
    r"\b(name|url|home_page|author_email|maintainer_email)\s*=\s*[\"']([^\"']+)[\"']"
)
_EMAIL_DOMAIN = re.compile(r"@([A-Za-z0-9.-]+\.[A-Za-z]{2,24})")


@dataclass(frozen=True, slots=True)
class Organisation:
    """What a repository says about who publishes it."""

    domains: frozenset[str]
    """Lower-case domains the project owns (a subdomain of one is owned too)."""
    names: frozenset[str]
    """Organisation and project names, lower case, letters and digits only."""

    def owns(self, domain: str) -> bool:
        """Return True when ``domain`` is one of the project's or below one."""
        domain = domain.lower()
        return any(domain == own or domain.endswith("." + own) for own in self.domains)


SOURCES = (".git/config", "pyproject.toml", "setup.cfg", "setup.py", "package.json", *README_NAMES)
"""The files read, relative to the root."""


def organisation(root: Path) -> Organisation:
    """Return what the repository at ``root`` says about its publisher.

    Cached per root and per state of its source files, so an edit between scans counts.
    """
    resolved = root.resolve()
    return _organisation(resolved, tuple(_signature(resolved / name) for name in SOURCES))


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


@functools.lru_cache(maxsize=16)
def _organisation(root: Path, signature: tuple[tuple[int, int] | None, ...]) -> Organisation:
    del signature  # part of the cache key only
    names: set[str] = {_plain(root.name)}
    hosts: set[str] = set()
    for owner, repo in _remotes(root):
        names.update({_plain(owner), _plain(repo)})
    for field_name, value in _metadata(root):
        if field_name == "name":
            names.add(_plain(value))
        elif field_name == "email":
            hosts.update(m.lower() for m in _EMAIL_DOMAIN.findall(value))
        else:
            hosts.update(host.lower() for host in _URL_HOST.findall(value))
    names = {name for name in names if len(name) >= 3}
    domains = {_strip_www(host) for host in hosts if not _code_host(host)}
    domains.update(_named_hosts(_read(root, *README_NAMES), names))
    return Organisation(frozenset(domains), frozenset(names))


def _named_hosts(text: str, names: set[str]) -> Iterator[str]:
    """Yield the registered part of each link host that spells one of ``names``."""
    for host in set(_URL_HOST.findall(text)):
        labels = host.lower().split(".")
        for index in range(len(labels) - 1):
            suffix = labels[index:]
            if _plain(suffix[0]) in names or _plain("".join(suffix)) in names:
                yield ".".join(suffix)
                break


def _remotes(root: Path) -> Iterator[tuple[str, str]]:
    git = root / ".git"
    if git.is_symlink() or not git.is_dir():
        return
    for url in _REMOTE.findall(_read(root, ".git/config")):
        match = _REMOTE_PATH.search(url)
        if match:
            yield match.group(1), match.group(2)


def _metadata(root: Path) -> Iterator[tuple[str, str]]:
    """Yield (``name`` | ``url`` | ``email``, value) from the package metadata at the root."""
    yield from _pyproject(_read(root, "pyproject.toml"))
    yield from _setup_cfg(_read(root, "setup.cfg"))
    for key, value in _SETUP_FIELD.findall(_read(root, "setup.py")):
        yield ("name" if key == "name" else "email" if "email" in key else "url"), value
    yield from _package_json(_read(root, "package.json"))


def _pyproject(text: str) -> Iterator[tuple[str, str]]:
    try:
        data = tomllib.loads(text) if text else {}
    except (tomllib.TOMLDecodeError, RecursionError):  # tomllib recurses into nested arrays
        return
    tool = _table(data, "tool")
    for table in (_table(data, "project"), _table(tool, "poetry")):
        if isinstance(table.get("name"), str):
            yield "name", table["name"]
        urls = table.get("urls")
        yield from (("url", v) for v in _strings(urls.values() if isinstance(urls, dict) else []))
        yield from (("url", table[k]) for k in ("homepage", "repository") if k in table)
        for key in ("authors", "maintainers"):
            people = table.get(key)
            for person in people if isinstance(people, list) else []:
                email = person.get("email") if isinstance(person, dict) else person
                yield from (("email", v) for v in _strings([email]))


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _setup_cfg(text: str) -> Iterator[tuple[str, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    if not parser.has_section("metadata"):
        return
    section = parser["metadata"]
    for key in ("name", "url", "home_page", "project_urls", "author_email", "maintainer_email"):
        if key in section:
            yield ("name" if key == "name" else "email" if "email" in key else "url"), section[key]


def _package_json(text: str) -> Iterator[tuple[str, str]]:
    try:
        data = load_json(text) if text else {}
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    yield from (("name", v) for v in _strings([data.get("name")]))
    for key in ("homepage", "repository", "author"):
        value = data.get(key)
        parts = list(value.values()) if isinstance(value, dict) else [value]
        yield from (("email" if "@" in v and "://" not in v else "url", v) for v in _strings(parts))


def _strings(values: Iterable[object]) -> Iterator[str]:
    yield from (value for value in values if isinstance(value, str))


def _read(root: Path, *names: str) -> str:
    """Return the first of ``names`` that exists inside root, bounded; '' when none does."""
    for name in names:
        path = resolve_inside(root, name)
        if path is None or not path.is_file():
            continue
        try:
            with path.open("rb") as handle:
                return handle.read(MAX_BYTES).decode("utf-8", errors="replace")
        except OSError:
            continue
    return ""


def _plain(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def _code_host(host: str) -> bool:
    return any(host == code or host.endswith("." + code) for code in CODE_HOSTS)
