"""The ML-BOM: a CycloneDX 1.6 bill of materials of a repository's models, data and packages.

:mod:`.build` runs the collectors over the scan's inventory — :mod:`.models` (model files,
with :mod:`.cards`), :mod:`.datasets`, :mod:`.hub` and :mod:`.references` (hub models and
datasets named in code and configs), :mod:`.packages` (libraries and base images) — matches
the libraries against the advisory snapshot (:mod:`.advisories`), scores completeness
(:mod:`.completeness`) and serialises (:mod:`.cyclonedx`). :mod:`.diff` compares two BOMs.
Every field records whether it was declared, observed or inferred, and where (:mod:`.parts`).
"""
