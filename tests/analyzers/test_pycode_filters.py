"""The code analyzers skip a file only when no call of it can be one they judge."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import AnalyzerError, FileContext, Observation
from mlsec_policy.analyzers.pycode import evaluation, shell, sql
from mlsec_policy.analyzers.pycode.source import Candidate, ParsedReport, Report, any_candidate
from mlsec_policy.analyzers.read.pyflow import scope_and_calls
from mlsec_policy.models import Artifact, ArtifactKind


def _context(root: Path, name: str, text: str) -> FileContext:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return FileContext(root, Artifact(name, ArtifactKind.PYTHON, path.stat().st_size))


def _has_candidate(text: str, candidate: Candidate) -> bool:
    scope, found = scope_and_calls(ast.parse(text))
    return any_candidate(found, scope, candidate)


def _lines(observations: object) -> list[int | None]:
    return [o.location.start_line for o in observations]  # type: ignore[attr-defined]


FOUND = [
    pytest.param(  # a warehouse's run, no other word naming a database, the dot on its own line
        "def rows(warehouse, region):\n"
        "    return (warehouse\n"
        "            .run(f\"SELECT * FROM t WHERE region = '{region}'\"))\n",
        2,
        id="warehouse-run",
    ),
    pytest.param(  # the method's name on the line after the dot, inside parentheses
        "def rows(conn, name):\n"
        "    return (conn.\n"
        "            execute(f\"SELECT * FROM t WHERE name = '{name}'\"))\n",
        2,
        id="execute-after-a-line-break",
    ),
    pytest.param(  # a backslash continuation between the dot and the method's name
        "def rows(cursor, name):\n"
        "    cursor. \\\n"
        "        executemany(f\"DELETE FROM t WHERE name = '{name}'\", [])\n",
        2,
        id="executemany-after-a-continuation",
    ),
    pytest.param(
        "import sqlalchemy as sa\n"
        "def rows(conn, name):\n"
        "    conn.run_me(sa.text(f\"SELECT * FROM t WHERE name = '{name}'\"))\n",
        3,
        id="sqlalchemy-text-alias",
    ),
    pytest.param(
        "import builtins\ndef run(model, code):\n    model.eval()\n    builtins.eval(code)\n",
        4,
        id="builtins-eval",
    ),
    pytest.param(
        "from builtins import eval as run_it\n"
        "def go(model, code):\n"
        "    model.eval()\n"
        "    return run_it(code)\n",
        4,
        id="eval-renamed",
    ),
]


@pytest.mark.parametrize(("text", "line"), FOUND)
def test_a_call_spelled_unusually_is_still_judged(tmp_path: Path, text: str, line: int) -> None:
    context = _context(tmp_path, "code.py", text)
    found = [
        *sql.sql_statements(context, Report("unknown")),
        *evaluation.code_evaluations(context, ParsedReport("unknown")),
    ]
    assert _lines(found) == [line]


def _evaluations(context: FileContext) -> Iterable[Observation]:
    return evaluation.code_evaluations(context, ParsedReport("unknown"))


def _statements(context: FileContext) -> Iterable[Observation]:
    return sql.sql_statements(context, Report("unknown"))


@pytest.mark.parametrize(
    ("check", "skipped", "broken"),
    [
        pytest.param(  # model.eval( cannot be the builtin
            _evaluations,
            "def f(model:\n    model.eval()\n",
            "def f(model:\n    eval(model)\n",
            id="eval-only-a-method",
        ),
        pytest.param(
            _statements,
            "def f(runner:\n    runner.run(step)\n",
            "def f(db:\n    db.run(step)\n",
            id="no-database-word",
        ),
    ],
)
def test_a_broken_file_no_call_of_which_can_be_judged_is_not_parsed(
    tmp_path: Path, check: Callable[[FileContext], Iterable[Observation]], skipped: str, broken: str
) -> None:
    # the file is not parsed, so not an error either
    assert list(check(_context(tmp_path, "a.py", skipped))) == []
    # the same broken file with a call the check judges is an error, as before
    with pytest.raises(AnalyzerError):
        check(_context(tmp_path, "b.py", broken))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("model.eval()\nx = 'eval(code)'\n", False),
        ("def eval(x):\n    return x\neval(1)\n", True),  # the walk decides that it is not
        ("from builtins import exec as e\ne(code)\n", True),
        ("eval()\n", False),  # no code to run
    ],
)
def test_which_files_hold_a_call_of_the_builtins(text: str, expected: bool) -> None:
    assert _has_candidate(text, evaluation._builtin_call) is expected


def test_a_shell_call_is_found_through_an_import_alias(tmp_path: Path) -> None:
    text = "from subprocess import run as go\ndef f(cmd):\n    go(cmd, shell=True)\n"
    found = shell.shell_commands(_context(tmp_path, "s.py", text), Report("unknown"))
    assert _lines(found) == [3]
    assert not _has_candidate("go(cmd, shell=True)\n", shell._runs_shell)
