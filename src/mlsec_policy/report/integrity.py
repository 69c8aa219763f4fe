"""Evidence integrity: the SHA-256 digests a JSON report carries so that edits can be detected.

The *canonical content* of a report is its JSON document without the ``integrity`` block,
serialised with keys sorted, no insignificant whitespace (``,`` and ``:`` separators),
non-ASCII characters written as themselves, numbers as Python's :mod:`json` writes them,
encoded as UTF-8. Reformatting the file (indent, key order) does not change it; changing any
value does.

A digest is not a signature: whoever edits a report can recompute it. It proves that a report
is the one a scan wrote when the digest itself is kept somewhere the editor cannot reach (the
CI log, a signed release, an evidence store), or when the report is signed as a whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ALGORITHM = "sha256"
CANONICALIZATION = "json-sorted-keys-compact-utf8/1"
"""Names the canonical form above; a new form gets a new name."""
KEY = "integrity"

PACK_DIGEST = "pack digest"
"""What ``validate`` prints per pack."""
POLICY_DIGEST = "policy digest"
CONTENT_DIGEST = "report content digest"
MEANING = {
    PACK_DIGEST: "SHA-256 over the files of one policy pack",
    POLICY_DIGEST: "SHA-256 over the pack digests of every pack loaded, in order; the same "
    "rules give the same digest",
    CONTENT_DIGEST: "SHA-256 of this report's canonical content: 'mlsec-policy report verify' "
    "recomputes it to show the report was not edited after the scan",
}
"""What each digest we print is, in the words every output uses."""


def explained(name: str, digest: str) -> str:
    """Return ``<name> <digest> (<what it is>)`` for one of the digests in :data:`MEANING`."""
    return f"{name} {digest} ({MEANING[name]})"


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """Return the canonical content of a report document (its ``integrity`` block left out)."""
    content = {key: value for key, value in document.items() if key != KEY}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def content_digest(document: Mapping[str, Any]) -> str:
    """Return ``sha256:<hex>`` of the canonical content of ``document``."""
    return f"{ALGORITHM}:" + hashlib.sha256(canonical_bytes(document)).hexdigest()


def block(document: Mapping[str, Any], policy_digest: str) -> dict[str, str]:
    """Return the ``integrity`` block for a report document whose policy has ``policy_digest``."""
    return {
        "algorithm": ALGORITHM,
        "canonicalization": CANONICALIZATION,
        "content_digest": content_digest(document),
        "policy_digest": policy_digest,
    }


@dataclass(frozen=True, slots=True)
class Check:
    """One thing ``report verify`` looked at, and whether it held."""

    name: str
    ok: bool
    detail: str


def check_digests(document: Mapping[str, Any]) -> tuple[Check, ...]:
    """Recompute the digests a report document records and compare them.

    The document must be a JSON object; a missing or malformed ``integrity`` block is a
    failed check (a report written by this version always has one).
    """
    recorded = document.get(KEY)
    if not isinstance(recorded, dict):
        return (Check("integrity block", False, "the report has no integrity block"),)
    checks = [_field(recorded, "algorithm", ALGORITHM)]
    checks.append(_field(recorded, "canonicalization", CANONICALIZATION))
    actual = content_digest(document)
    stated = recorded.get("content_digest")
    checks.append(
        Check(
            "content digest",
            stated == actual,
            f"recorded {stated}, content hashes to {actual}"
            if stated != actual
            else f"{actual} matches the content",
        )
    )
    policy = document.get("policy")
    named = policy.get("digest") if isinstance(policy, dict) else None
    stated_policy = recorded.get("policy_digest")
    checks.append(
        Check(
            "policy digest",
            stated_policy == named and named is not None,
            f"{stated_policy} is the policy digest the report names"
            if stated_policy == named and named is not None
            else f"integrity names {stated_policy}, the report's policy block {named}",
        )
    )
    return tuple(checks)


def _field(recorded: Mapping[str, Any], name: str, expected: str) -> Check:
    value = recorded.get(name)
    if value == expected:
        return Check(name, True, str(value))
    return Check(name, False, f"{value!r}; this version of mlsec-policy writes {expected!r}")
