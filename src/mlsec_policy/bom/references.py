"""Hub references turned into components: one per hub repository and revision.

The same model loaded at two revisions is two components (what a reviewer of a release must
see); every place that names it is kept. A revision is ``pinned`` when it is a full commit hash
and ``mutable`` otherwise (a branch, a tag, or none: the hub's default branch).
"""

from __future__ import annotations

from collections.abc import Sequence

from mlsec_policy.bom.hub import HubRef
from mlsec_policy.bom.parts import Basis, Kind, Part, Source, ref_for

HUB = "https://huggingface.co"


def reference_parts(refs: Sequence[HubRef]) -> list[Part]:
    """Return the model and data components the hub references name, sorted by ref."""
    parts: dict[str, Part] = {}
    for ref in sorted(refs, key=HubRef.key):
        kind = Kind.MODEL if ref.kind == "model" else Kind.DATA
        revision = ref.revision or "(default branch)"
        key = f"hub/{ref.repo}@{revision}"
        part = parts.get(key)
        basis = Basis.DECLARED if ref.config else Basis.INFERRED
        source = Source(basis, ref.path, ref.line)
        if part is None:
            part = Part(kind, ref_for(kind, key), ref.repo)
            owner, _, _ = ref.repo.rpartition("/")
            if owner:
                part.group = owner
                part.note("group", source)
            if ref.revision:
                part.version = ref.revision
                part.note("version", source)
            part.fill("hub-repository", ref.repo, source)
            part.fill("revision", revision, source)
            part.fill("revision-pinned", "pinned" if ref.pinned else "mutable", source)
            page = f"{HUB}/datasets/{ref.repo}" if kind is Kind.DATA else f"{HUB}/{ref.repo}"
            part.external.append(("distribution", page))
            if kind is Kind.DATA:
                part.data = {"type": "dataset", "name": ref.repo}
            parts[key] = part
        part.locations.add(f"{ref.path}:{ref.line}")
        if ref.trust_remote_code is True:
            part.facts["trust-remote-code"] = "true"
            part.provenance["trust-remote-code"] = source
        else:
            part.fill("trust-remote-code", "false", source)
    return [parts[key] for key in sorted(parts)]
