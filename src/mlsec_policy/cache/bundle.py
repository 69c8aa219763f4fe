"""A scan's bundle: the entries one kind of scan used, kept as a base and a small delta.

The store (:mod:`.store`) reads a bundle's entries in one go instead of one file each. Both
parts are entries of the store (header, digest, atomic write) whose body is a JSON object
with one ``"key":body`` line per entry. A scan whose entries differ from the base by little
(a warm re-scan with one file changed) writes only the *delta* — the entries the base lacks
or holds otherwise — and leaves the base (tens of megabytes for a large tree) as it is; when
the delta and the base's unused entries together grow past :data:`REWRITE` of what the scan
used, the base is written whole again and the delta dropped.

Any line of either part is trusted as an entry's own file is (its key digests everything its
result depends on), so a delta written against another base, or a base rewritten by another
scan in between, can cost a file read but never give a result another key would not. The
delta wins over the base for a key both hold (a result run again under its key because what
it recorded as read has changed, or a facts table that grew); a delta lost (damaged,
evicted) leaves the base's older body of such a key, a body once written under that key —
what the key's own file holds too after two scans wrote it at once, and what its readers
check against its recorded dependencies before use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REWRITE = 0.25
"""The share of a scan's entries (in bytes) that may be in the delta or unused in the base
before the base is written whole again."""
_HEX = re.compile(rb"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Plan:
    """What :meth:`.ResultStore.close` writes: a new base, a new delta, or drops the delta."""

    base: dict[str, bytes] | None = None
    delta: dict[str, bytes] | None = None
    drop_delta: bool = False


def plan(used: dict[str, bytes], base: dict[str, bytes], delta: dict[str, bytes]) -> Plan:
    """Decide what to write after a scan that used ``used``, given the parts it read."""
    if not used:
        return Plan()  # nothing to keep: the parts read stay as they are
    changed = {key: body for key, body in used.items() if base.get(key) != body}
    unused = {key: base[key] for key in base.keys() - used.keys()}
    if not base or _size(changed) + _size(unused) > REWRITE * _size(used):
        return Plan(base=used, drop_delta=bool(delta))
    if changed == delta:
        return Plan()
    if not changed:
        return Plan(drop_delta=True)
    return Plan(delta=changed)


def pack(entries: dict[str, bytes]) -> bytes:
    """Return a bundle part's body: a JSON object of the entries, one ``"key":body`` line each.

    Compact JSON never holds a raw newline, so each entry's body stays one line, found again
    without parsing the others.
    """
    lines = [b'"%s":%s' % (key.encode("ascii"), body) for key, body in entries.items()]
    return b"{" + b"\n,".join(lines) + b"\n}"


def unpack(body: bytes) -> dict[str, bytes] | None:
    """Return the entries' bodies by key from a bundle part's body (None: not one we wrote)."""
    lines = body.split(b"\n")
    if len(lines) < 2 or not lines[0].startswith(b"{") or lines[-1] != b"}":
        return None
    found: dict[str, bytes] = {}
    for number, line in enumerate(lines[:-1]):
        if number and not line.startswith(b","):
            return None
        key, value = line[2:66], line[66:]
        if line[1:2] != b'"' or not value.startswith(b'":') or not _HEX.fullmatch(key):
            return None
        found[key.decode("ascii")] = value[2:]
    return found


def _size(entries: dict[str, bytes]) -> int:
    return sum(len(body) + 70 for body in entries.values())  # a line: its key, quotes, comma
