"""What one file can contribute to the web-route analyzers, read from its bytes alone.

The web-route analyzers link modules across the repository, but most files cannot contribute:
a module that declares no route, starts no server and defines no function of interest is never
parsed. The byte tests that decide it live here, in one place, as :class:`Prefilter` values
(each alternative a literal that every match of it contains, and the pattern itself), and
:func:`extract` runs all of them on a file once. What it returns is plain JSON, so the engine
can keep it in the result store by the file's content digest (:mod:`...engines.native_facts`):
a warm scan reads no file whose facts it holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mlsec_policy.analyzers.base import Facts
from mlsec_policy.models import JsonValue

FACTS = "web-routes"
"""The name the facts of this module are kept under."""
MAX_READ = 4 * 1024 * 1024
"""How much of a file the web-route analyzers read (the facts are taken from as much)."""


@dataclass(frozen=True, slots=True)
class Prefilter:
    """Byte patterns: text matching none of them cannot hold what an analyzer looks for.

    Each alternative is (anchor, pattern): a literal every match of the pattern contains, and
    the pattern (None: the anchor alone). Searching for a literal first keeps the cost of a
    file that names none of them to a few fast substring searches.
    """

    alternatives: tuple[tuple[bytes, re.Pattern[bytes] | None], ...]

    def search(self, data: bytes) -> bool:
        """Return True when ``data`` matches one of the alternatives."""
        return any(
            anchor in data and (pattern is None or pattern.search(data) is not None)
            for anchor, pattern in self.alternatives
        )


_DECORATOR = re.compile(rb"@[\w.]+\.(?:get|post|put|patch|delete|route|api_route|websocket)\s*\(")
_ADD_ROUTE = (
    (b"add_api_route", None),
    (b"add_url_rule", None),
    (b"add_api_websocket_route", None),
)
ROUTE_DECLARATIONS = Prefilter(((b"@", _DECORATOR), *_ADD_ROUTE))
"""A route declared with a decorator or a call: what ``unbounded-request-fields`` reads."""
ROUTES_AND_GUARDS = Prefilter(
    (
        *ROUTE_DECLARATIONS.alternatives,
        (b"include_router", None),
        (b"register_blueprint", None),
        (b"add_middleware", None),
        (b"before_request", None),
        (b".middleware", re.compile(rb"\.middleware\s*\(")),
        (b"dependencies", re.compile(rb"dependencies\s*=")),
    )
)
"""Modules without any of these cannot define routes or guards: they are not parsed."""
SERVER_CALL = Prefilter(
    (
        (b"uvicorn", re.compile(rb"\buvicorn\b")),
        (b"run_app(", re.compile(rb"\brun_app\(")),
        (b".run(", re.compile(rb"\.run\([^)]*\bhost\b")),
        (b"server_name", re.compile(rb"\bserver_name\s*=")),
    )
)
"""Text without any of these starts no server ``exposed-servers`` knows: it is not parsed."""
DEF = re.compile(rb"\bdef\s+(\w+)\s*\(")
"""A function definition, found in the text before any module is parsed (:func:`defined`)."""
_DEF_FAST = re.compile(rb"def\s+(\w+)\s*\(")
_WORD = re.compile(rb"\w")
ARGPARSE = b"add_argument"
"""A module without it declares no command-line option whose default gives a server's host."""
GATEWAY_AUTH = re.compile(
    r"nginx\.ingress\.kubernetes\.io/auth-(?:url|type|signin)|^kind:\s*(?:RequestAuthentication"
    r"|AuthorizationPolicy)\b|oauth2-proxy|ext_authz|konghq\.com/plugins:[^\n]*(?:key-auth|jwt"
    r"|oidc|basic-auth)|traefik[^\n]*(?:basicauth|forwardauth)",
    re.MULTILINE | re.IGNORECASE,
)
"""Authentication done by the ingress or gateway in front of the app."""
GATEWAY_ANCHORS = (
    b"nginx.ingress.kubernetes.io/auth-",
    b"requestauthentication",
    b"authorizationpolicy",
    b"oauth2-proxy",
    b"ext_authz",
    b"konghq.com/plugins",
    b"traefik",
)
"""Lower-case words of which every GATEWAY_AUTH match contains one."""
GATEWAY_WORDS = (b"auth", b"traefik", b"konghq")
"""Shorter words of which every anchor of GATEWAY_ANCHORS contains one: three searches of a
file's lower-cased bytes instead of seven, for the nine files in ten that hold none of them."""
BITS: Mapping[str, Prefilter] = {
    "routes": ROUTES_AND_GUARDS,
    "route-declarations": ROUTE_DECLARATIONS,
    "server": SERVER_CALL,
}
"""The prefilters whose answer is kept for each file, by name."""
_SEARCHES = tuple(dict.fromkeys(a for prefilter in BITS.values() for a in prefilter.alternatives))
"""Every distinct alternative of the prefilters (some prefilters share alternatives)."""
_ASKED = tuple(
    (name, tuple(_SEARCHES.index(a) for a in prefilter.alternatives))
    for name, prefilter in sorted(BITS.items())
)
"""Each prefilter's name and its alternatives, as indices into :data:`_SEARCHES`."""


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the web-route analyzers need to know of a file before they parse it."""

    matches: frozenset[str]
    """Names of :data:`BITS` the file matches."""
    defines: frozenset[str]
    """Names of the functions and methods defined in it (``def name(``)."""
    argparse: bool
    """The file names ``add_argument``."""
    gateway: bool
    """The file (read as configuration) shows authentication done by a gateway."""


def extract(data: bytes) -> JsonValue:
    """Return the facts of a file's first :data:`MAX_READ` bytes as plain JSON."""
    lower = data.lower()
    gateway = (
        any(word in lower for word in GATEWAY_WORDS)
        and any(anchor in lower for anchor in GATEWAY_ANCHORS)
        and GATEWAY_AUTH.search(lower.decode("utf-8", "replace")) is not None
    )
    names = sorted(defined(data))
    matches: list[JsonValue] = list(matching(data))
    defines: list[JsonValue] = list(names)
    return {
        "matches": matches,
        "defines": defines,
        "argparse": ARGPARSE in data,
        "gateway": gateway,
    }


def matching(data: bytes) -> list[str]:
    """Return the names of :data:`BITS` whose prefilter ``data`` matches, in name order.

    As ``[n for n, p in sorted(BITS.items()) if p.search(data)]`` answers, but an alternative
    that several prefilters hold is searched once per file, not once per prefilter.
    """
    answers: list[bool | None] = [None] * len(_SEARCHES)
    found: list[str] = []
    for name, indices in _ASKED:
        for index in indices:
            answer = answers[index]
            if answer is None:
                anchor, pattern = _SEARCHES[index]
                answer = anchor in data and (pattern is None or pattern.search(data) is not None)
                answers[index] = answer
            if answer:
                found.append(name)
                break
    return found


def defined(data: bytes) -> set[str]:
    """Return the names :data:`DEF` finds in ``data``, five times faster than it does.

    A word boundary in front keeps the regular expression engine from looking for the literal
    ``def`` first, so the word boundary is checked here instead. Leaving out a match whose
    ``def`` follows a word character hides no match of :data:`DEF`: none can start inside it
    (``tests/analyzers/test_repo_prefilters.py`` compares the two).
    """
    names: set[str] = set()
    for found in _DEF_FAST.finditer(data):
        start = found.start()
        if start and _WORD.match(data, start - 1):
            continue
        names.add(found.group(1).decode())
    return names


def decode(value: JsonValue) -> FileFacts:
    """Return the facts :func:`extract` gave; raise ValueError for anything else."""
    if not isinstance(value, dict) or set(value) != {"matches", "defines", "argparse", "gateway"}:
        raise ValueError("web-route facts are an object of four fields")
    matches, defines = value["matches"], value["defines"]
    argparse, gateway = value["argparse"], value["gateway"]
    if not isinstance(matches, list) or not all(m in BITS for m in matches):
        raise ValueError("unknown prefilter names")
    if not isinstance(defines, list) or not all(isinstance(d, str) for d in defines):
        raise ValueError("defined names are text")
    if not isinstance(argparse, bool) or not isinstance(gateway, bool):
        raise ValueError("flags are booleans")
    return FileFacts(
        frozenset(str(m) for m in matches), frozenset(str(d) for d in defines), argparse, gateway
    )


WEB_FACTS: Facts[FileFacts] = Facts(FACTS, MAX_READ, extract, decode)
"""The facts every web-route analyzer declares and consults."""
