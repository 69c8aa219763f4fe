"""The value-origin reader: each value graded by where it comes from, statement by statement."""

from __future__ import annotations

import ast
import textwrap

import pytest

from mlsec_policy.analyzers.read.pyflow import calls, parse_module
from mlsec_policy.analyzers.read.pyorigin import Kind


def graded(source: str) -> list[tuple[int, Kind, str]]:
    """Return (line, kind, what) of the first argument of every ``sink(...)`` call."""
    found = []
    for call, values in calls(ast.parse(textwrap.dedent(source))):
        if isinstance(call.func, ast.Name) and call.func.id == "sink":
            origin = values.of(call.args[0])
            found.append((call.lineno, origin.kind, origin.what))
    return found


def kind_of(source: str) -> Kind:
    (only,) = graded(source)
    return only[1]


CONSTANT_CASES = {
    "literal": 'sink("ls -l")',
    "module constant through format": """
        FOLDER = "./logs"
        TEMPLATE = "tail {0}/{1}.log"
        def f():
            sink(TEMPLATE.format(FOLDER, "worker"))
    """,
    "constant defined after the function": """
        def f():
            sink(f"tail {FOLDER}")
        FOLDER = "./logs"
    """,
    "loop over a literal tuple": """
        for editor in ("vim", "nano"):
            sink(f"which {editor}")
    """,
    "parametrize over a module list": """
        import pytest
        FILES = ["a.json", "b.json"]
        @pytest.mark.parametrize("name", FILES)
        def test_get(name):
            sink("wget https://example.org/%s" % name)
    """,
    "argparse choices and numbers": """
        import argparse
        p = argparse.ArgumentParser()
        p.add_argument("--mode", choices=["all", "one"])
        p.add_argument("-n", "--workers", type=int)
        p.add_argument("--dry-run", action="store_true")
        a = p.parse_args()
        sink(f"stop {a.mode} {a.workers} {a.dry_run}")
    """,
    "quoted and joined": """
        import shlex
        def f(path, parts):
            sink(f"cat {shlex.quote(path)} | wc -l" + shlex.join(parts))
    """,
    "interpreter and script folder": """
        import os, sys
        here = os.path.dirname(os.path.realpath(__file__))
        sink(f"{sys.executable} {here}/tool.py")
    """,
    "temporary file names": """
        import tempfile
        with tempfile.NamedTemporaryFile() as handle:
            sink("kubectl apply -f " + handle.name)
        fd, name = tempfile.mkstemp()
        sink(f"cat {name}")
    """,
    "parameter replaced by a literal in the branch": """
        def f(name=None):
            if name is None:
                name = "default.json"
                sink("wget " + name)
    """,
    "class attribute constant": """
        class Paths:
            ROOT = "/srv/models"
        sink(f"du -sh {Paths.ROOT}")
    """,
    "joined constant list": """
        PARTS = ["docker", "ps"]
        sink(" ".join(PARTS))
    """,
    "numbers from anywhere": """
        def f(count):
            sink(f"head -n {int(count)} {len(count)}")
    """,
}

OUTSIDE_CASES = {
    "sys.argv": "import sys\nsink('convert ' + sys.argv[1])",
    "input": "value = input()\nsink(f'echo {value}')",
    "argparse option without choices": """
        import argparse
        parser = argparse.ArgumentParser()
        parser.add_argument("--model")
        args = parser.parse_args()
        def f():
            sink(f"serve {args.model}")
    """,
    "whole namespace passed through a helper": """
        import argparse
        args = argparse.ArgumentParser().parse_args()
        def flags(ns):
            return str(ns)
        sink("serve " + flags(args))
    """,
    "flask request": """
        from flask import request
        def view():
            name = request.args.get("name")
            sink("ls " + name)
    """,
    "route parameter": """
        @app.post("/run")
        def handler(name: str):
            sink(f"ls {name}")
    """,
    "tool argument": """
        from langchain.tools import tool
        @tool
        def du(folder):
            sink("du -sh " + folder)
    """,
    "model answer": """
        def fix(llm):
            command = llm.invoke("which command?").content
            sink(command)
    """,
    "accumulated in a loop": """
        import sys
        command = "run"
        for part in sys.argv[1:]:
            command += " " + part
        sink(command)
    """,
    "appended to a list": """
        import sys
        parts = ["run"]
        parts.append(sys.argv[1])
        sink(" ".join(parts))
    """,
    "one branch of two": """
        import sys
        if len(sys.argv) > 1:
            target = sys.argv[1]
        else:
            target = "."
        sink("ls " + target)
    """,
    "import alias of sys": "import sys as system\nsink(system.argv[0])",
}

UNKNOWN_CASES = {
    "parameter": "def f(cmd):\n    sink(cmd)",
    "attribute of the object": "class A:\n    def f(self):\n        sink(self.command)",
    "environment variable": "import os\nsink('run ' + os.environ.get('TOOL', 'x'))",
    "names from disk": "import os\nfor name in os.listdir('/data'):\n    sink('cat ' + name)",
    "result of another call": "sink(build_command())",
}


@pytest.mark.parametrize("source", CONSTANT_CASES.values(), ids=CONSTANT_CASES.keys())
def test_constants_are_constant(source: str) -> None:
    assert {kind for _line, kind, _what in graded(source)} == {Kind.CONSTANT}


@pytest.mark.parametrize("source", OUTSIDE_CASES.values(), ids=OUTSIDE_CASES.keys())
def test_outside_values_are_outside(source: str) -> None:
    assert kind_of(source) is Kind.OUTSIDE


@pytest.mark.parametrize("source", UNKNOWN_CASES.values(), ids=UNKNOWN_CASES.keys())
def test_unknown_values_are_unknown(source: str) -> None:
    assert kind_of(source) is Kind.UNKNOWN


def test_a_value_is_graded_where_it_is_used_not_where_it_ends() -> None:
    source = """
        import sys
        command = "ls"
        sink(command)
        command = sys.argv[1]
        sink(command)
    """
    assert [kind for _line, kind, _what in graded(source)] == [Kind.CONSTANT, Kind.OUTSIDE]


def test_the_reason_names_what_decided() -> None:
    (only,) = graded("def run(cmd):\n    sink('x ' + cmd)")
    assert only[2] == "a parameter of run()"


def test_a_notebook_cell_that_does_not_parse_is_left_out() -> None:
    text = "a = 1\n>>> pasted console text\nb = a\n"
    tree = parse_module(text, cells=[1, 2, 3])
    assert [type(node).__name__ for node in tree.body] == ["Assign", "Assign"]
    with pytest.raises(SyntaxError):
        parse_module(text)


def texts_and_holes(source: str) -> list[str]:
    """Return the pieces of the first argument of ``sink(...)``: text as is, holes as <name>."""
    from mlsec_policy.analyzers.read.pystrings import pieces

    for call, values in calls(ast.parse(textwrap.dedent(source))):
        if isinstance(call.func, ast.Name) and call.func.id == "sink":
            return [
                p.text if p.origin is None else f"<{p.origin.text}>"
                for p in pieces(call.args[0], values)
                if p.text or p.origin is not None
            ]
    raise AssertionError("no sink")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f(a):\n    sink(f\"x = '{a}'\")", ["x = '", "<a>", "'"]),
        (
            "def f(a, b):\n    sink('x = %s and y = %s' % (a, b))",
            ["x = ", "<a>", " and y = ", "<b>"],
        ),
        ('def f(a):\n    sink("x = {0} {k}".format(a, k=1))', ["x = ", "<a>", " ", "1"]),
        (
            "def f(a):\n    s = 'x'\n    s += ' = ' + a\n    sink(s)",
            ["x", " = ", "<a>"],
        ),
        (
            "def f(a):\n    part = f\"and '{a}'\" if a else ''\n    sink('where ' + part)",
            ["where ", "and '", "<a>", "'"],
        ),
        # the old value of a name rebound from itself takes its place
        ("def f(a):\n    s = 'x'\n    s = s + ' = ' + a\n    sink(s)", ["x", " = ", "<a>"]),
        ("def f(a):\n    s = 'x = %s'\n    s = s % a\n    sink(s)", ["x = ", "<a>"]),
        ("def f(a):\n    s = 'x = %s'\n    s %= a\n    sink(s)", ["x = ", "<a>"]),
        ("def f(a):\n    s = 'x'\n    s += ' = %s'\n    sink(s % a)", ["x = ", "<a>"]),
        # a name rebound from itself when its parts are not known is one hole
        ("def f(a, s):\n    s = s + a\n    sink(s)", ["<s>"]),
        ("def f(a):\n    sink(' '.join(['x =', a]))", ["x =", " ", "<a>"]),
        ("def f(a):\n    p = ('x =', a)\n    sink(''.join(p))", ["x =", "<a>"]),
        ("def f(a):\n    sink(''.join(a))", ["<a>"]),
    ],
)
def test_a_built_string_comes_apart_into_text_and_holes(source: str, expected: list[str]) -> None:
    assert texts_and_holes(source) == expected
