"""Read a gitleaks checkout and list, per rule id, its true and false example strings.

gitleaks validates every rule against examples written next to it in
``cmd/generate/config/rules/*.go``: ``tps`` must be detected, ``fps`` must not. They are test
data that nobody on this team wrote, which is why we measure against them. This script reads
those Go files as data (:mod:`go_syntax`, :mod:`go_eval`), emulates the generator helpers, and
for each example finds the secret the rule's own regex (from ``config/gitleaks.toml``) picks
out, and the setting name written in front of it. Nothing from gitleaks is copied into the
project; the checkout is read at run time.

    python benchmarks/secrets/gitleaks_examples.py /work/corpus/gitleaks [--json FILE] [--rule ID]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tomllib
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

from go_decls import FuncDecl, Statement, declarations, var_block
from go_eval import Evaluator, Package, Text, Unsupported, Value, assignment, describe
from go_syntax import Call, GoSyntaxError, Node, parse_expression, tokenize
from sample_regex import RegexUnsupported

RULES_DIR = Path("cmd/generate/config/rules")
UTILS_DIR = Path("cmd/generate/config/utils")
MAIN_GO = Path("cmd/generate/config/main.go")
CONFIG_TOML = Path("config/gitleaks.toml")

KEY_BEFORE = re.compile(
    r"""[$@]?(?P<key>[A-Za-z_][\w.\-]*)["'\]]?(?:\s+(?:string|String|str))?\s*"""
    r"""(?P<op>:{0,3}=|\?=|=>|\.=|\+=|:|,)\s*\(?\s*["'`]?(?:\\["'])?\s*$"""
)
"""A setting name and assignment operator ending right where the secret starts."""
XML_OPEN = re.compile(r"<(?P<key>[A-Za-z_][\w.\-]*)>\s*$")
ASSIGNED = re.compile(
    r"""(?P<key>[A-Za-z_][\w.\-]*)["']?[ \t]*(?::{0,3}=|=>|:)[ \t]*(?P<q>["'`]?)"""
    r"""(?P<value>[\w.=+/~\-]{6,})(?P=q)(?:[\s,;)]|$)"""
)
"""A whole ``key = value`` in a false example that the rule's regex does not match."""
POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "digit": "0-9", "lower": "a-z", "upper": "A-Z",
    "xdigit": "0-9a-fA-F", "space": r"\s", "word": r"\w", "punct": r"!-/:-@\[-`{-~",
}  # fmt: skip
"""Go's POSIX bracket classes, which Python's ``re`` does not know."""
TRACKED = frozenset({"tps", "fps"})
"""The variables gitleaks' rule functions hand to ``utils.Validate``."""
NOT_NAMES = frozenset({"default", "value", "values"})
"""Argument names that say nothing about what the value is; the provider's name is used."""


@dataclass(frozen=True, slots=True)
class Example:
    """One gitleaks example."""

    rule_id: str
    positive: bool
    """True for a ``tps`` entry (must be detected), False for an ``fps`` entry."""
    text: str
    """The example exactly as gitleaks builds it."""
    origin: str
    """``literal``, or the helpers that generated it (``secrets.NewSecret+…``)."""
    secret: str | None
    """The part the rule's regex captures; for a false example, the candidate value."""
    key: str | None
    """The setting name written in front of the secret, when there is one."""


@dataclass(frozen=True, slots=True)
class RuleExamples:
    """Every example of one rule, and what could not be extracted."""

    rule_id: str
    source: str
    active: bool
    """Listed (not commented out) in the generator's main.go."""
    path_based: bool
    """Validated by file path (``ValidateWithPaths``): its examples are paths, not text."""
    positives: tuple[Example, ...]
    negatives: tuple[Example, ...]
    problems: tuple[str, ...]
    regex_misses: int
    """True examples the rule's own regex (run by Python's ``re``) does not match."""


def load_package(directory: Path) -> Package:
    """Parse every non-test Go file of ``directory``."""
    package = Package()
    for path in sorted(directory.glob("*.go")):
        if path.name.endswith("_test.go"):
            continue
        funcs, variables = declarations(tokenize(path.read_text(encoding="utf-8")))
        for func in funcs:
            func.path = path.name
            package.funcs[func.name] = func
        for block in variables:
            for statement in var_block(block):
                if statement.tokens:
                    package.variables[statement.tokens[0].text] = statement
    return package


def python_regex(go_regex: str) -> re.Pattern[str] | None:
    """Compile a gitleaks (Go RE2) regex with Python's ``re``; None when it cannot be."""
    converted = go_regex.replace(r"\z", r"\Z")
    for posix, members in POSIX_CLASSES.items():
        converted = converted.replace(f"[:{posix}:]", members)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # ``[[`` reads differently later
            return re.compile(converted)
    except re.error:
        return None


def rule_regexes(checkout: Path) -> dict[str, tuple[re.Pattern[str] | None, int]]:
    """Return rule id → (Python regex, secretGroup) from the checkout's generated config."""
    data = tomllib.loads((checkout / CONFIG_TOML).read_text(encoding="utf-8"))
    found: dict[str, tuple[re.Pattern[str] | None, int]] = {}
    for rule in data.get("rules", []):
        regex = rule.get("regex")
        found[rule["id"]] = (
            python_regex(regex) if regex else None,
            int(rule.get("secretGroup", 0)),
        )
    return found


def active_rule_functions(checkout: Path) -> set[str]:
    """Return the rule functions main.go calls (commented-out lines excluded)."""
    names: set[str] = set()
    for line in (checkout / MAIN_GO).read_text(encoding="utf-8").splitlines():
        code = line.split("//", 1)[0]
        names.update(re.findall(r"rules\.(\w+)\(\)", code))
    return names


def locate(text: str, regex: re.Pattern[str] | None, group: int) -> tuple[int, int] | None:
    """Return the span of the secret the rule's regex captures in ``text``."""
    if regex is None:
        return None
    match = regex.search(text)
    if match is None:
        return None
    if group and group <= (regex.groups or 0) and match.group(group):
        return match.span(group)
    for index in range(1, (regex.groups or 0) + 1):
        if match.group(index):
            return match.span(index)
    return match.span()


def key_before(text: str, start: int) -> str | None:
    """Return the setting name written just before offset ``start``, if any."""
    line_start = text.rfind("\n", 0, start) + 1
    match = KEY_BEFORE.search(text[line_start:start])
    if match and match.group("key") not in NOT_NAMES:
        return match.group("key")
    if not text[line_start:start].strip() and line_start > 0:
        previous = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1]
        xml = XML_OPEN.search(previous)
        if xml:
            return xml.group("key")
    return None


def split_example(
    text: str, regex: re.Pattern[str] | None, group: int, positive: bool
) -> tuple[str | None, str | None]:
    """Return (secret, key) of one example."""
    span = locate(text, regex, group)
    if span is not None:
        return text[span[0] : span[1]], key_before(text, span[0])
    if positive:
        return None, None
    assigned = ASSIGNED.search(text)
    if assigned:
        return assigned.group("value"), assigned.group("key")
    stripped = text.strip()
    if stripped and not any(c.isspace() for c in stripped):
        return stripped, None
    return None, None


def _examples(
    rule_id: str, values: Value, positive: bool, regex: tuple[re.Pattern[str] | None, int]
) -> tuple[list[Example], list[str]]:
    examples: list[Example] = []
    problems: list[str] = []
    for value in values if isinstance(values, list) else []:
        if not isinstance(value, Text):
            problems.append(f"an example that is not a string: {value!r:.60}")
            continue
        secret, key = split_example(value.value, regex[0], regex[1], positive)
        origin = "+".join(sorted(value.helpers)) or "literal"
        examples.append(Example(rule_id, positive, value.value, origin, secret, key))
    return examples, problems


def _rule_id(func: FuncDecl) -> str | None:
    tokens = [t for s in func.body for t in s.tokens]
    for index, token in enumerate(tokens[:-2]):
        if (
            token.text == "RuleID"
            and tokens[index + 1].text == ":"
            and tokens[index + 2].kind in {"str", "raw"}
        ):
            return tokens[index + 2].text[1:-1]
    return None


def extract_rule(
    func: FuncDecl,
    evaluator: Evaluator,
    regex: tuple[re.Pattern[str] | None, int],
    active: bool,
) -> RuleExamples | None:
    """Run one rule function's statements and collect its examples."""
    rule_id = _rule_id(func)
    if rule_id is None:
        return None
    env: dict[str, Value] = {}
    problems: list[str] = []
    evaluator.problems = problems
    tps: Value = None
    fps: Value = None
    path_based = False
    for statement in func.body:
        first = statement.tokens[0].text
        if first == "return":
            call = parse_expression(statement.tokens[1:])
            name = describe(call).split("(", 1)[0]
            path_based = name == "utils.ValidateWithPaths"
            if isinstance(call, Call) and name in {"utils.Validate", "utils.ValidateWithPaths"}:
                args = call.args
                tps, fps = (_safe(evaluator, args[i], env, problems) for i in (1, 2))
            continue
        for single in var_block(statement):
            _run(single, evaluator, env, problems)
    if path_based:
        tps = fps = None
    positives, p_problems = _examples(rule_id, tps, True, regex)
    negatives, n_problems = _examples(rule_id, fps, False, regex)
    misses = sum(1 for e in positives if regex[0] is not None and regex[0].search(e.text) is None)
    return RuleExamples(
        rule_id, f"{RULES_DIR / func.path}:{func.name}", active, path_based,
        tuple(positives), tuple(negatives), tuple(problems + p_problems + n_problems), misses,
    )  # fmt: skip


def _safe(evaluator: Evaluator, node: Node, env: dict[str, Value], problems: list[str]) -> Value:
    try:
        return evaluator.eval(node, env)
    except (Unsupported, RegexUnsupported, GoSyntaxError) as error:
        problems.append(f"whole list unreadable: {error}")
        return None


def _run(
    statement: Statement, evaluator: Evaluator, env: dict[str, Value], problems: list[str]
) -> None:
    try:
        parsed = assignment(statement)
    except GoSyntaxError:
        parsed = None
    if parsed is None:
        if any(t.text in TRACKED for t in statement.tokens):
            problems.append(f"statement not emulated (line {statement.tokens[0].line})")
        return
    name, node = parsed
    if name not in TRACKED:
        env[name] = evaluator.quietly(node, env)
        return
    try:
        env[name] = evaluator.eval(node, env)
    except (Unsupported, RegexUnsupported, GoSyntaxError) as error:
        problems.append(f"{name} unreadable: {error}")
        env.pop(name, None)


def extract(checkout: Path) -> list[RuleExamples]:
    """Return the examples of every rule function in the checkout, in rule-id order."""
    rules = load_package(checkout / RULES_DIR)
    utils = load_package(checkout / UTILS_DIR)
    regexes = rule_regexes(checkout)
    active = active_rule_functions(checkout)
    found: list[RuleExamples] = []
    for func in rules.funcs.values():
        rule_id = _rule_id(func)
        if rule_id is None:
            continue
        evaluator = Evaluator(rules, utils, random.Random(f"gitleaks:{rule_id}"))
        result = extract_rule(func, evaluator, regexes.get(rule_id, (None, 0)), func.name in active)
        if result is not None:
            found.append(result)
    return sorted(found, key=lambda r: r.rule_id)


def main(argv: list[str] | None = None) -> int:
    """Print a per-rule summary; optionally write every example as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", type=Path, help="a gitleaks checkout")
    parser.add_argument("--json", type=Path, help="write every example to this file")
    parser.add_argument("--rule", action="append", default=[], help="only these rule ids")
    args = parser.parse_args(argv)
    results = [r for r in extract(args.checkout) if not args.rule or r.rule_id in args.rule]
    print("| rule | true | false | problems | regex misses | note |")
    print("|---|---:|---:|---:|---:|---|")
    for rule in results:
        note = "path-based" if rule.path_based else "" if rule.active else "inactive"
        print(
            f"| {rule.rule_id} | {len(rule.positives)} | {len(rule.negatives)} | "
            f"{len(rule.problems)} | {rule.regex_misses} | {note} |"
        )
        for problem in rule.problems:
            print(f"|  | | | | | {problem} |")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
