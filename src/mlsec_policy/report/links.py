"""Web links to a file line at the scanned commit, for GitHub and GitLab remotes.

A remote URL (``https://host/owner/repo.git``, ``git@host:owner/repo.git`` or
``ssh://git@host:port/owner/repo.git``) is turned into the host's web address; hosts whose
name contains ``github`` use GitHub's ``/blob/`` form, those containing ``gitlab`` GitLab's
``/-/blob/`` form. Other hosts get no links: a wrong link is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlsplit

from mlsec_policy.models import GitFacts, Location

_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")


class Forge(StrEnum):
    """The web front ends whose link forms we know."""

    GITHUB = "github"
    GITLAB = "gitlab"


@dataclass(frozen=True, slots=True)
class SourceLinks:
    """Builds links into one repository at one commit."""

    forge: Forge
    base: str
    """``https://host/owner/repo`` without a trailing slash or ``.git``."""
    commit: str
    root: str
    """The scanned root inside the repository ('.' when it is the top level)."""

    def commit_url(self) -> str:
        """Return the web page of the commit."""
        middle = "/commit/" if self.forge is Forge.GITHUB else "/-/commit/"
        return self.base + middle + self.commit

    def line_url(self, location: Location) -> str:
        """Return the link to the location's file and lines at the commit."""
        path = location.path if self.root in ("", ".") else f"{self.root}/{location.path}"
        middle = "/blob/" if self.forge is Forge.GITHUB else "/-/blob/"
        url = self.base + middle + self.commit + "/" + quote(path, safe="/")
        start, end = location.start_line, location.end_line
        if start is None:
            return url
        if end is None or end <= start:
            return f"{url}#L{start}"
        return f"{url}#L{start}-L{end}" if self.forge is Forge.GITHUB else f"{url}#L{start}-{end}"


def source_links(git: GitFacts | None) -> SourceLinks | None:
    """Return a link builder when the remote is on a known forge and the commit is known."""
    if git is None or not git.commit or not git.remote_url:
        return None
    parsed = web_base(git.remote_url)
    if parsed is None:
        return None
    forge, base = parsed
    return SourceLinks(forge, base, git.commit, git.root)


def web_base(remote_url: str) -> tuple[Forge, str] | None:
    """Return the forge and ``https://host/path`` for a remote URL, or None if unknown."""
    scp = _SCP_LIKE.match(remote_url) if "://" not in remote_url else None
    if scp:
        host, path, scheme = scp.group("host"), scp.group("path"), "https"
    else:
        parts = urlsplit(remote_url)
        if parts.scheme not in ("http", "https", "ssh", "git", "git+ssh") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
        keep_port = parts.scheme in ("http", "https") and parts.port is not None
        host = f"{host}:{parts.port}" if keep_port else host
        scheme = "http" if parts.scheme == "http" else "https"
    path = path.strip("/").removesuffix(".git")
    if not path or "/" not in path:
        return None
    name = host.lower()
    forge = Forge.GITHUB if "github" in name else Forge.GITLAB if "gitlab" in name else None
    if forge is None:
        return None
    return forge, f"{scheme}://{host}/{path}"
