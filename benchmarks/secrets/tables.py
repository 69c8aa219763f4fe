"""Turn judged examples into the Markdown tables of RESULTS.md.

Every secret-looking string shown is redacted in the middle (first six and last two characters
kept), so the tables never repeat a usable value, even a generated one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from file_kinds import KINDS
from gitleaks_examples import Example, RuleExamples
from scope import PROVIDERS, provider_of

VERBATIM = "verbatim"
"""The kind that holds the example text exactly as gitleaks wrote it, in a ``.txt`` file."""
_TOKENISH = re.compile(r"[A-Za-z0-9_\-+/~.]{20,}")


@dataclass(frozen=True, slots=True)
class Outcome:
    """One example in one file kind, judged."""

    kind: str
    provider: str
    example: Example
    value: str | None
    hit: bool
    checks: tuple[str, ...]
    elsewhere: int
    """Secret findings in the same file outside the example's lines (expected: 0)."""

    def as_json(self) -> dict[str, object]:
        """Return the outcome as plain data (values redacted)."""
        return {
            "kind": self.kind,
            "provider": self.provider,
            "rule": self.example.rule_id,
            "positive": self.example.positive,
            "origin": self.example.origin,
            "key": self.example.key,
            "text": redact(self.example.text, 400, self.example.secret),
            "hit": self.hit,
            "checks": list(self.checks),
            "elsewhere": self.elsewhere,
        }


@dataclass(frozen=True, slots=True)
class ScanInfo:
    """What one scan covered."""

    kind: str
    files: int
    errors: list[str]


def redact(text: str, limit: int = 110, secret: str | None = None) -> str:
    """Return ``text`` on one line with the middle of every secret-looking run hidden.

    A run is secret-looking when it is the example's known secret, or 20+ characters with a
    digit, or 30+ characters of any kind; the first six and last two characters stay.
    """

    def hide(token: str) -> str:
        return f"{token[:6]}…{token[-2:]}"

    if secret and len(secret) >= 8:
        text = text.replace(secret, hide(secret))

    def maybe(match: re.Match[str]) -> str:
        token = match.group()
        if len(token) >= 30 or (len(token) >= 20 and any(c.isdigit() for c in token)):
            return hide(token)
        return token

    flat = _TOKENISH.sub(maybe, text).replace("\r", "").replace("\n", "⏎").replace("\t", " ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _code(text: str) -> str:
    return "`" + text.replace("`", "ˋ").replace("|", "\\|") + "`"


def _ratio(hit: int, total: int) -> str:
    return "–" if total == 0 else f"{100 * hit / total:.0f}"


def _counts(outcomes: Iterable[Outcome]) -> tuple[int, int]:
    items = list(outcomes)
    return sum(1 for o in items if o.hit), len(items)


def _matrix(judged: list[Outcome], positive: bool, kinds: list[str]) -> list[str]:
    cells: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in judged:
        if outcome.example.positive == positive:
            cells[(outcome.provider, outcome.kind)].append(outcome)
    issue_kinds = [k for k in kinds if k != VERBATIM]
    head = ["provider", *issue_kinds, "all kinds", *([VERBATIM] if VERBATIM in kinds else [])]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for provider in [*PROVIDERS, "All providers"]:
        chosen = list(PROVIDERS) if provider == "All providers" else [provider]
        row = [f"**{provider}**" if provider == "All providers" else provider]
        row.extend(
            _ratio(*_counts(o for p in chosen for o in cells[(p, kind)])) for kind in issue_kinds
        )
        hit, total = _counts(o for p in chosen for k in issue_kinds for o in cells[(p, k)])
        row.append(f"{_ratio(hit, total)}% ({hit}/{total})" if total else "–")
        if VERBATIM in kinds:
            hit, total = _counts(o for p in chosen for o in cells[(p, VERBATIM)])
            row.append(f"{_ratio(hit, total)}% ({hit}/{total})" if total else "–")
        lines.append("| " + " | ".join(row) + " |")
    sizes = [str(sum(len(cells[(p, k)]) for p in PROVIDERS)) for k in issue_kinds]
    lines.append("| examples | " + " | ".join(sizes) + " | | |")
    return lines


def _rules_table(rules: list[RuleExamples], judged: list[Outcome]) -> list[str]:
    lines = [
        "| rule | true extracted | false extracted | generated true | true caught (16 kinds) "
        "| true caught (verbatim) | false flagged (16 kinds) | false flagged (verbatim) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rule in rules:
        mine = [o for o in judged if o.example.rule_id == rule.rule_id]
        cells = []
        for positive in (True, False):
            for verbatim in (False, True):
                hit, total = _counts(
                    o
                    for o in mine
                    if o.example.positive == positive and (o.kind == VERBATIM) == verbatim
                )
                cells.append(f"{hit}/{total}")
        generated = sum(1 for e in rule.positives if e.origin != "literal")
        lines.append(
            f"| {rule.rule_id} | {len(rule.positives)} | {len(rule.negatives)} | {generated} | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def _misses(judged: list[Outcome]) -> list[str]:
    lines: list[str] = []
    by_rule: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in judged:
        if outcome.example.positive and not outcome.hit:
            by_rule[outcome.example.rule_id].append(outcome)
    for provider, rule_ids in PROVIDERS.items():
        missed = [r for r in rule_ids if by_rule.get(r)]
        if not missed:
            continue
        lines.append(f"- **{provider}**")
        for rule_id in missed:
            outcomes = by_rule[rule_id]
            kinds = sorted({o.kind for o in outcomes})
            example = outcomes[0].example
            lines.append(
                f"  - `{rule_id}`: {len(outcomes)} misses in {', '.join(kinds)}; "
                f"e.g. {_code(redact(example.text, secret=example.secret))}"
            )
    return lines or ["(none)"]


def _false_positives(judged: list[Outcome]) -> list[str]:
    flagged: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in judged:
        if not outcome.example.positive and outcome.hit:
            flagged[(outcome.example.rule_id, outcome.example.text)].append(outcome)
    lines = ["| rule | example (redacted) | kinds flagged | checks |", "|---|---|---|---|"]
    for (rule_id, text), outcomes in sorted(flagged.items()):
        kinds = ", ".join(sorted({o.kind for o in outcomes}))
        checks = ", ".join(sorted({c for o in outcomes for c in o.checks}))
        secret = outcomes[0].example.secret
        lines.append(f"| {rule_id} | {_code(redact(text, 80, secret))} | {kinds} | {checks} |")
    return lines if flagged else ["(none)"]


def markdown(
    header: dict[str, str], rules: list[RuleExamples], judged: list[Outcome], infos: list[ScanInfo]
) -> str:
    """Return the complete Markdown results section."""
    kinds = [i.kind for i in infos]
    out = [f"- {name}: {value}" for name, value in header.items()]
    out += ["", "### True examples caught (%)", "", *_matrix(judged, True, kinds)]
    out += ["", "### False examples flagged (%)", "", *_matrix(judged, False, kinds)]
    out += ["", "### Per rule", "", *_rules_table(rules, judged)]
    out += ["", "### Misses (one redacted example per rule)", "", *_misses(judged)]
    out += ["", "### False examples flagged", "", *_false_positives(judged)]
    out += ["", "### Scans", "", "| kind | files | scan errors |", "|---|---:|---:|"]
    out += [f"| {info.kind} | {info.files} | {len(info.errors)} |" for info in infos]
    for info in infos:
        out += [f"- scan error in {info.kind}: {error}" for error in info.errors]
    elsewhere = sum(o.elsewhere for o in judged)
    out += ["", f"Secret findings outside an example's lines (should be 0): {elsewhere}."]
    unknown = sorted({o.example.rule_id for o in judged if provider_of(o.example.rule_id) is None})
    if unknown:
        out.append(f"Rules without a provider: {', '.join(unknown)}.")
    assert set(kinds) <= {*KINDS, VERBATIM}
    return "\n".join(out) + "\n"
