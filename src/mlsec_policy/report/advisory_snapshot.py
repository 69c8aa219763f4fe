"""How every rendering names the advisory snapshot a scan matched package versions against.

One sentence and one set of name/value pairs, so that the console, Markdown, HTML, SARIF and
JUnit say the same thing: the snapshot's source and date (an empty result means "no advisory
known on that date", not "no vulnerability"), the database commit, and the controls that read it.
"""

from __future__ import annotations

from mlsec_policy.models import AdvisorySnapshotInfo

CAVEAT = "advisories published later are not known to this scan"


def describe(info: AdvisorySnapshotInfo) -> str:
    """Return one line naming the snapshot, its date, commit and readers."""
    commit = f", commit {info.commit[:12]}" if info.commit else ""
    readers = f"; read by {', '.join(info.controls)}" if info.controls else ""
    return f"{info.source} snapshot of {info.date}{commit}{readers} ({CAVEAT})"


def properties(info: AdvisorySnapshotInfo) -> dict[str, str]:
    """Return the snapshot as flat name/value pairs (SARIF run and JUnit properties)."""
    pairs = {
        "advisorySnapshotDate": info.date,
        "advisorySnapshotSource": info.source,
        "advisorySnapshotUrl": info.url,
        "advisorySnapshotCommit": info.commit or "",
        "advisorySnapshotControls": ",".join(info.controls),
    }
    return {name: value for name, value in pairs.items() if value}
