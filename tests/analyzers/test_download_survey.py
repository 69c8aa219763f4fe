"""The download-origin analyzer finds its calls and imports in one walk of the tree.

The walk must give exactly what the two walks it replaced gave: every call, with the function
it is written in, in the same order, and the imported names with :func:`ast.walk`'s last
import winning when a name is imported twice (there the walk orders differ).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from mlsec_policy.analyzers.pycode import downloads

SOURCE = """
import os, a.b, c.d as cd
from . import sibling
from ..pkg.mod import URL as address

if os.environ.get("A"):
    import first as twice
if os.environ.get("B"):
    import second as twice

@decorate(call_in_decorator())
def fetch(url=default_url(), *, other: annotated() = None) -> returned():
    from settings import DATA_URL
    handler = lambda: requests.get(DATA_URL)
    return [urlretrieve(u) for u in items(url)] + {k: get(k) for k in keys()}

class Client(Base(metaclass=meta())):
    async def pull(self, x=f"{formatted()}"):
        async with session.get(address) as response:
            await response.read(twice.URL)
"""


def _reference_calls(tree: ast.Module) -> Iterator[tuple[ast.AST | None, ast.Call]]:
    """Yield the calls as the walk the analyzer used before did (every node, in order)."""
    stack: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call):
                yield function, child
            stack.append((child, inner))


def test_one_walk_finds_the_calls_and_imports_the_two_walks_found() -> None:
    tree = ast.parse(SOURCE)
    calls, imports = downloads._survey(tree)
    expected = list(_reference_calls(tree))
    assert len(expected) > 15
    assert [(id(f), id(c)) for f, c in calls] == [(id(f), id(c)) for f, c in expected]
    assert imports == downloads._imports(tree)
    # imported twice, in two branches: ast.walk's order makes the second one win
    assert imports["twice"] == ("second", "", 9)
    assert imports["address"] == ("..pkg.mod", "URL", 4)
    assert "a.b" not in imports and "cd" in imports
