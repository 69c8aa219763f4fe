"""Which targets semgrep runs a rule on, where its outcome can reach the report."""

from __future__ import annotations

from dataclasses import dataclass

from mlsec_policy.engines.semgrep.target import TEXT_LANGUAGES, Target, rule_languages
from mlsec_policy.pathmatch import PathFilter
from mlsec_policy.policy.model import SemgrepCheck


def _text_rule(check: SemgrepCheck) -> bool:
    languages = rule_languages(check.rule)
    return bool(languages) and languages is not None and languages <= TEXT_LANGUAGES


@dataclass(frozen=True, slots=True)
class Reach:
    """Which targets semgrep runs one rule on, where the outcome can reach the report.

    semgrep picks a parsed-language rule's targets by their names (a YAML rule never reads a
    ``.py`` file); a text rule reads any file, but only its results on files of its kinds that
    its paths allow are kept.
    """

    check: SemgrepCheck
    text: bool
    languages: frozenset[str] | None
    paths: PathFilter

    @classmethod
    def of(cls, check: SemgrepCheck) -> Reach:
        """Return the reach of ``check``'s rule (its languages, kinds and paths)."""
        languages = rule_languages(check.rule)
        known = None if languages is None else frozenset(languages)
        return cls(check, _text_rule(check), known, PathFilter.of(check))

    def applies(self, target: Target, language: str | None) -> bool:
        """Return True for ``target``, which semgrep parses as ``language`` (None: unknown)."""
        if not self.text:
            return language is None or self.languages is None or language in self.languages
        artifact = target.artifact
        return artifact.kind in self.check.kinds and self.paths.allows(artifact.path)
