r"""Details of the machine and accounts a text was produced on: what a saved output gives away.

Four kinds, each a value that names the author's environment rather than anything the code
needs to show:

- a home folder with a user name (``/home/ana/…``, ``/Users/ana/…``, ``C:\Users\ana\…``);
  the accounts every machine of a platform shares (``ubuntu``, ``jovyan``, ``runner``,
  ``ec2-user``, ``sagemaker-user``…) name nobody and are set aside;
- a cloud account: the twelve-digit AWS account inside an ARN
  (``arn:aws:iam::<account>:role/…``), the project of a Google Cloud resource name
  (``projects/<project>/locations/…``); documentation's example accounts are set aside;
- an experiment-tracker URL naming a Weights & Biases entity (``wandb.ai/<entity>/<project>``);
- an internal cloud host name (``ip-10-0-3-7.ec2.internal``, ``….compute.internal``).

Every example leaving this module is masked: a report says what kind of detail is there and
shows its shape, never the whole value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum


class Detail(StrEnum):
    """What kind of environment detail a match is."""

    HOME = "a home folder with a user name"
    ACCOUNT = "a cloud account or project id"
    TRACKER = "an experiment-tracker URL with an account name"
    HOST = "an internal host name"

    @property
    def advice(self) -> str:
        """Return what to do instead of printing this kind of detail."""
        return {
            "HOME": "print paths relative to the project",
            "ACCOUNT": "do not print roles, ARNs or resource names that carry the account",
            "TRACKER": "keep run links out of committed outputs",
            "HOST": "do not print host names",
        }[self.name]


@dataclass(frozen=True, slots=True)
class EnvMatch:
    """One environment detail found in a text."""

    detail: Detail
    start: int
    """Offset in the text."""
    example: str
    """The match, masked."""


_HOME = re.compile(
    r"(?:(?<![\w.~-])/home/|(?<![\w.~-])/Users/|\b[A-Za-z]:(?:\\\\|\\|/)Users(?:\\\\|\\|/))"
    r"(?P<value>[A-Za-z0-9][A-Za-z0-9._-]{0,31})(?=[\\/])"
)
SHARED_ACCOUNTS = frozenset(
    {"user", "users", "ubuntu", "jovyan", "runner", "runneradmin", "ec2-user", "sagemaker-user",
     "studio-lab-user", "root", "admin", "administrator", "vscode", "codespace", "coder",
     "gitpod", "colab", "ma-user", "app", "appuser", "docker", "jenkins", "circleci", "travis",
     "vagrant", "centos", "debian", "fedora", "opc", "azureuser", "zeus", "shared", "guest",
     "public", "default", "name", "username", "yourname", "your_name", "your-name", "me",
     "you", "xxx", "foo", "somebody", "someone", "nobody", "local", "developer", "dev"}
)  # fmt: skip
"""Accounts that many machines share (cloud images, notebook servers, CI, placeholders)."""

_ARN = re.compile(r"\barn:aws(?:-cn|-us-gov)?:[a-z0-9-]+:[a-z0-9-]*:(?P<value>\d{12}):")
_GCP = re.compile(
    r"\bprojects/(?P<value>\d{6,}|[a-z][a-z0-9-]{4,28}[a-z0-9])/"
    r"(?:locations|zones|regions|global|datasets|topics|subscriptions|secrets)/"
)
EXAMPLE_ACCOUNTS = frozenset(
    {"123456789012", "012345678901", "111122223333", "444455556666", "777788889999",
     "210987654321", "098765432109"}
)  # fmt: skip
"""Account ids that documentation uses as examples."""
_PLACEHOLDER_PROJECT = re.compile(r"(?:my|your|example|sample|test|demo|some)-|project-?id$")

_TRACKER = re.compile(
    r"\bwandb\.ai/(?P<value>[A-Za-z0-9][A-Za-z0-9_.-]*)/(?P<project>[A-Za-z0-9][A-Za-z0-9_.-]*)"
)
TRACKER_PAGES = frozenset(
    {"authorize", "site", "settings", "home", "login", "signup", "quickstart", "support",
     "fully-connected", "wandb", "gallery", "pricing", "docs", "your-entity", "entity",
     "username", "team", "my-team"}
)  # fmt: skip
"""First path segments of wandb.ai that are W&B's own pages or placeholders, not entities."""

_HOST = re.compile(
    r"\b(?P<value>(?:ip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3})(?:\.[a-z0-9-]+)*"
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:ec2|compute)\.internal"
    r"|[a-z0-9-]+\.c\.[a-z][a-z0-9-]{4,28}[a-z0-9]\.internal)\b"
)


def find_environment(text: str) -> Iterator[EnvMatch]:
    """Yield the environment details in ``text``, in order of appearance."""
    found: list[EnvMatch] = []
    for match in _HOME.finditer(text):
        name = match.group("value")
        if name.lower() not in SHARED_ACCOUNTS and not name.startswith("."):
            prefix = match.group(0)[: match.start("value") - match.start()]
            separator = "\\" if prefix.endswith("\\") else "/"
            found.append(EnvMatch(Detail.HOME, match.start(), f"{prefix}{_mask(name)}{separator}…"))
    for match in _ARN.finditer(text):
        account = match.group("value")
        if not _example_account(account):
            found.append(EnvMatch(Detail.ACCOUNT, match.start(), f"arn:aws:…:{_mask(account)}:…"))
    for match in _GCP.finditer(text):
        project = match.group("value")
        if not _example_account(project) and not _PLACEHOLDER_PROJECT.search(project):
            found.append(EnvMatch(Detail.ACCOUNT, match.start(), f"projects/{_mask(project)}/…"))
    for match in _TRACKER.finditer(text):
        entity = match.group("value")
        if entity.lower() not in TRACKER_PAGES and not entity.startswith(("<", "{")):
            found.append(EnvMatch(Detail.TRACKER, match.start(), f"wandb.ai/{_mask(entity)}/…"))
    found.extend(
        EnvMatch(Detail.HOST, match.start(), _mask_host(match.group("value")))
        for match in _HOST.finditer(text)
    )
    yield from sorted(found, key=lambda m: m.start)


def _example_account(value: str) -> bool:
    return value in EXAMPLE_ACCOUNTS or len(set(value)) == 1


def _mask(value: str) -> str:
    """Keep the first and last character of a value (two of each for long ones)."""
    if len(value) <= 3:
        return value[0] + "**"
    keep = 2 if len(value) >= 10 else 1
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def _mask_host(host: str) -> str:
    first, _, rest = host.partition(".")
    return _mask(first) + (f".{rest}" if rest else "")
