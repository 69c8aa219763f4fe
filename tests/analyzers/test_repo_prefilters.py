"""The byte prefilters of the repository analyzers never drop a file the analyzer would use.

Three ways: every alternative's pattern contains its anchor literally, so a text without the
anchor cannot match; the prefilters agree with the single regular expressions they replaced on
every fixture file of the pack and every Python file of the real-repository corpus (when it is
on this machine); and the web-route analyzers give the same observations on every fixture
folder of the controls that use them with the prefilters as with every module parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.web_routes import facts
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import Workspace
from mlsec_policy.engines.native import NativeEngine
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import NativeCheck, Policy
from mlsec_policy.scan import load

PACK = Path(__file__).parents[2] / "policies/controls"
CORPUS = Path("/work/corpus/realworld")
WEB = ("web-route-auth", "unbounded-request-fields", "exposed-servers")
# the expressions the prefilters replaced, as they were
BEFORE = {
    "routes": re.compile(
        rb"@[\w.]+\.(?:get|post|put|patch|delete|route|api_route|websocket)\s*\(|include_router"
        rb"|register_blueprint|add_middleware|before_request|\.middleware\s*\(|dependencies\s*="
        rb"|add_api_route|add_url_rule|add_api_websocket_route"
    ),
    "route-declarations": re.compile(
        rb"@[\w.]+\.(?:get|post|put|patch|delete|route|api_route|websocket)\s*\("
        rb"|add_api_route|add_url_rule|add_api_websocket_route"
    ),
    "server": re.compile(rb"\buvicorn\b|\brun_app\(|\.run\([^)]*\bhost\b|\bserver_name\s*="),
}


def _files() -> Iterator[Path]:
    yield from sorted(p for p in PACK.rglob("*") if p.is_file() and "/tests/" in p.as_posix())
    if CORPUS.is_dir():
        yield from sorted(p for p in CORPUS.rglob("*.py") if p.is_file() and not p.is_symlink())


def test_every_alternative_contains_its_anchor() -> None:
    for name, prefilter in facts.BITS.items():
        for anchor, pattern in prefilter.alternatives:
            if pattern is None:
                continue
            source = pattern.pattern
            assert re.escape(anchor) in source, (name, anchor)
            assert not re.search(rb"(?<!\\)\|", _outside_groups(source)), (name, source)


def test_each_branch_of_the_replaced_expressions_is_an_alternative() -> None:
    """Branch by branch, whatever the files at hand: the prefilter matches what they matched."""
    for name, before in BEFORE.items():
        alternatives = {
            re.escape(anchor) if pattern is None else pattern.pattern
            for anchor, pattern in facts.BITS[name].alternatives
        }
        for branch in _top_level_branches(before.pattern):
            assert branch in alternatives, (name, branch)


def _top_level_branches(source: bytes) -> list[bytes]:
    cuts = [index for index, char in _top_level(source) if char == b"|"]
    starts, ends = [0, *(c + 1 for c in cuts)], [*cuts, len(source)]
    return [source[a:b] for a, b in zip(starts, ends, strict=True)]


def _outside_groups(source: bytes) -> bytes:
    """Return the pattern's top level: what no group or character class holds."""
    return b"".join(char for _index, char in _top_level(source))


def _top_level(source: bytes) -> list[tuple[int, bytes]]:
    """Return (index, character) of the pattern's top level (an escape with its backslash)."""
    found: list[tuple[int, bytes]] = []
    depth, escaped, in_class = 0, False, False
    for index, byte in enumerate(source):
        char = bytes([byte])
        if escaped:
            escaped = False
            if depth == 0 and not in_class:
                found.append((index - 1, b"\\" + char))
        elif char == b"\\":
            escaped = True
        elif in_class:
            in_class = char != b"]"
        elif char == b"[":
            in_class = True
        elif char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
        elif depth == 0:
            found.append((index, char))
    return found


def test_the_prefilters_agree_with_the_expressions_they_replaced() -> None:
    checked = 0
    for path in _files():
        data = path.read_bytes()[: facts.MAX_READ]
        for name, before in BEFORE.items():
            assert facts.BITS[name].search(data) == (before.search(data) is not None), (name, path)
        assert facts.matching(data) == [n for n, p in sorted(facts.BITS.items()) if p.search(data)]
        lower = data.lower()
        gateway = any(anchor in lower for anchor in facts.GATEWAY_ANCHORS) and (
            facts.GATEWAY_AUTH.search(lower.decode("utf-8", "replace")) is not None
        )
        assert facts.decode(facts.extract(data)).gateway == gateway, path
        checked += 1
    assert checked > 1000


ROUTE_EDGES = (
    b"",
    b"@app.get('/')\n",  # a declaration: a route too (the prefilters share the alternative)
    b"app.add_url_rule('/', view_func=f)\n",
    b"app.include_router(r)\n",
    b"@app.get('/')\nuvicorn.run(app)\n",
    b"uvicorn.run(app, host='0.0.0.0')\n",
    b"dependencies = [x]\n@cache\n",
)


def test_each_prefilter_s_answer_is_its_own_when_alternatives_are_shared() -> None:
    """:func:`facts.matching` searches a shared alternative once; each prefilter answers alone."""
    seen = set()
    for data in ROUTE_EDGES:
        found = facts.matching(data)
        assert found == [n for n, p in sorted(facts.BITS.items()) if p.search(data)], data
        seen.add(tuple(found))
    assert seen == {
        (),
        ("route-declarations", "routes"),
        ("routes",),
        ("route-declarations", "routes", "server"),
        ("server",),
    }


def test_every_gateway_anchor_holds_a_gateway_word() -> None:
    """A text without the shorter words holds no anchor, so no gateway mark either."""
    for anchor in facts.GATEWAY_ANCHORS:
        assert any(word in anchor for word in facts.GATEWAY_WORDS), anchor
    assert facts.decode(facts.extract(b"kind: RequestAuthentication\n")).gateway is True
    assert (
        facts.decode(facts.extract(b"traefik.http.middlewares.a.basicauth.users: x\n")).gateway
        is True
    )
    assert facts.decode(facts.extract(b"konghq.com/plugins: key-auth\n")).gateway is True


def _observations(folder: Path, policy: Policy) -> list[str]:
    inventory = discover(folder, ())
    checks = [c for c in policy.checks(NativeCheck) if c.analyzer in WEB]
    engine = NativeEngine(ANALYZERS, policy.known_ids())
    output = engine.run(checks, inventory, Workspace(folder, folder))
    return [repr(h) for h in output.hits] + [repr(e) for e in output.errors]


def test_the_web_analyzers_see_the_same_with_every_module_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = load(ScanOptions(target=PACK))
    # the folders of the controls whose checks use the web-route analyzers
    folders = sorted(
        folder
        for control in policy.controls
        if any(isinstance(c, NativeCheck) and c.analyzer in WEB for c in control.checks)
        for folder in PACK.glob(f"*/{control.id}/tests/*")
        if folder.is_dir()
    )
    filtered = [_observations(folder, policy) for folder in folders]
    monkeypatch.setattr(facts.Prefilter, "search", lambda _self, _data: True)
    monkeypatch.setattr(facts, "ARGPARSE", b"")  # every module may declare options
    everything = [_observations(folder, policy) for folder in folders]
    assert sum(map(len, filtered)) > 20
    assert filtered == everything


TRICKY = (
    b"def f(x):\n",
    b"undef g(x)\nredef  h (y)\n_def i(z)\n",
    b"xdef def(a)\nundef def foo(b)\n",
    b"def\tdef (c)\n(def j(d)\n@def k (e)\n",
    b"async def l(f):\n\tdef m(g): pass\ndef\n n(h)\n9def o(i)\n",
    b"d\xc3\xa9def p(j)\n\xffdef q(k)\n",
)


def test_defined_finds_what_the_word_boundary_expression_finds() -> None:
    """:func:`facts.defined` checks the word boundary itself; it finds what DEF finds."""
    checked = 0
    for data in (*TRICKY, *(p.read_bytes()[: facts.MAX_READ] for p in _files())):
        expected = {found.group(1).decode() for found in facts.DEF.finditer(data)}
        assert facts.defined(data) == expected, data[:80]
        checked += 1
    assert checked > 1000
    assert facts.defined(TRICKY[1]) == set()
    assert facts.defined(TRICKY[3]) == {"def", "j", "k"}
