"""One repository's line in the organisation roll-up, read from its verified JSON report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

STATUS_ORDER: tuple[str, ...] = (
    "fail",
    "error",
    "needs-attestation",
    "not-evaluated",
    "baselined",
    "waived",
    "attested",
    "pass",
    "not-applicable",
    "not-covered",
)
"""Every control status, worst first: a phase shows the worst status of its controls."""

STANDING: Mapping[str, int] = {
    "fail": 0,
    "error": 0,
    "needs-attestation": 1,
    "not-evaluated": 1,
    "baselined": 2,
    "waived": 2,
    "attested": 2,
    "pass": 3,
    "not-applicable": 3,
    "not-covered": 3,
}
"""How good a status is for the trend: failing or broken (0), open (1), accepted (2), met (3)."""


def worst(statuses: list[str]) -> str | None:
    """Return the worst of ``statuses`` by :data:`STATUS_ORDER`, or None when there are none."""
    ranked = [STATUS_ORDER.index(s) for s in statuses if s in STATUS_ORDER]
    return STATUS_ORDER[min(ranked)] if ranked else None


@dataclass(frozen=True, slots=True)
class ControlInfo:
    """What the roll-up shows of a control besides its status."""

    title: str
    severity: str
    phase: str


@dataclass(frozen=True, slots=True)
class RepoRecord:
    """The figures of one repository's scan that the organisation view keeps."""

    name: str
    source: str
    """The report file the record was read from, as given on the command line."""
    commit: str | None
    branch: str | None
    scanned_at: str
    verdict: str
    exit_code: int
    policy_digest: str
    tool_version: str
    status_counts: Mapping[str, int]
    phases: Mapping[str, str]
    """Phase id -> the worst status of its controls (phases without controls are left out)."""
    controls: Mapping[str, str]
    """Control id -> status."""
    errors: int
    """Scan problems that stop a verdict (report errors at level ``error``)."""
    expiring_waivers: tuple[Mapping[str, str], ...]
    frameworks: Mapping[str, Mapping[str, int]]
    """Framework id@version -> requirement status counts, for the frameworks the scan asked for."""

    def to_json(self) -> dict[str, Any]:
        """Return the record as the merged document holds it."""
        return {
            "name": self.name,
            "source": self.source,
            "commit": self.commit,
            "branch": self.branch,
            "scanned_at": self.scanned_at,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "policy_digest": self.policy_digest,
            "tool_version": self.tool_version,
            "status_counts": dict(self.status_counts),
            "phases": dict(sorted(self.phases.items())),
            "controls": dict(sorted(self.controls.items())),
            "errors": self.errors,
            "expiring_waivers": [dict(w) for w in self.expiring_waivers],
            "frameworks": {k: dict(v) for k, v in sorted(self.frameworks.items())},
        }


def repo_name(document: Mapping[str, Any]) -> str:
    """Return the name a scanned tree goes by: its remote's owner/name, else the target.

    A scan of a folder inside a repository (git's ``root`` is not ``.``) adds the folder, so
    two projects of one monorepository stay two lines: ``acme/ml/services/ranker``.
    """
    git = document.get("git") or {}
    remote = git.get("remote_url")
    if isinstance(remote, str) and remote.strip():
        tail = remote.strip().rstrip("/").removesuffix(".git")
        tail = tail.replace(":", "/")
        parts = [p for p in tail.split("/") if p]
        if len(parts) >= 2:
            root = str(git.get("root") or ".").strip("/")
            inside = "" if root in ("", ".") else f"/{root}"
            return f"{parts[-2]}/{parts[-1]}{inside}"
    return str(document.get("target", "?"))


def phase_titles(document: Mapping[str, Any]) -> dict[str, str]:
    """Return the report's lifecycle phases, id -> title, in the taxonomy's order."""
    phases = sorted(document["taxonomy"]["phases"], key=lambda p: (p.get("order", 0), p["id"]))
    return {phase["id"]: phase["title"] for phase in phases}


def read_record(
    document: Mapping[str, Any], source: str, today: date, expiry_days: int
) -> tuple[RepoRecord, dict[str, ControlInfo]]:
    """Return the record of a verified report and what it says about each control.

    Waivers that are used and expire within ``expiry_days`` of ``today`` (or have expired)
    are listed, so that a team renews or fixes them before the gate turns red.
    """
    controls: dict[str, str] = {}
    info: dict[str, ControlInfo] = {}
    for result in document["results"]:
        control = result["control"]
        controls[control["id"]] = result["status"]
        info[control["id"]] = ControlInfo(control["title"], control["severity"], control["phase"])
    phases = {
        phase["id"]: status
        for phase in document["summary"]["phases"]
        if (status := worst([controls[c] for c in phase["controls"] if c in controls]))
    }
    git = document.get("git") or {}
    record = RepoRecord(
        name=repo_name(document),
        source=source,
        commit=git.get("commit"),
        branch=git.get("branch"),
        scanned_at=document["started_at"],
        verdict=document["summary"]["verdict"],
        exit_code=document["summary"]["exit_code"],
        policy_digest=document["integrity"]["policy_digest"],
        tool_version=document["tool"]["version"],
        status_counts=dict(document["summary"]["status_counts"]),
        phases=phases,
        controls=controls,
        errors=sum(1 for e in document.get("errors", ()) if e.get("level", "error") == "error"),
        expiring_waivers=_expiring(document.get("waivers", ()), today, expiry_days),
        frameworks={
            f"{f['id']}@{f['version']}": {s: n for s, n in f["status_counts"].items() if n}
            for f in document["summary"].get("frameworks", ())
        },
    )
    return record, info


def _expiring(register: Any, today: date, expiry_days: int) -> tuple[Mapping[str, str], ...]:
    horizon = today + timedelta(days=expiry_days)
    found = []
    for entry in register:
        waiver = entry["waiver"]
        expires = date.fromisoformat(waiver["expires"])
        if entry["state"] == "unused" or expires > horizon:
            continue
        found.append(
            {
                "control_id": waiver["control_id"],
                "expires": waiver["expires"],
                "state": "expired" if expires < today else "expiring",
                "ticket": waiver["ticket"],
            }
        )
    return tuple(sorted(found, key=lambda w: (w["expires"], w["control_id"], w["ticket"])))
