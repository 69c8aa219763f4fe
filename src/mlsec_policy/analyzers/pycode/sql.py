"""SQL statements assembled from text whose parts are not the program's own.

A statement handed to a database (``cursor.execute``, ``exec_driver_sql``, ``sqlalchemy.text``,
``pandas.read_sql``, ``spark.sql``...) is taken apart into written text and holes (see
:mod:`mlsec_policy.analyzers.read.pystrings`), and each hole is judged by where its value comes
from and where it stands:

- ``report: outside`` — a hole holds text from outside the program (a request, a command-line
  argument, a model's answer), wherever it stands; a statement that is entirely a model's
  answer (text-to-SQL) counts too;
- ``report: unknown`` — a hole of unknown origin stands where a value goes (``= '{name}'``,
  ``LIMIT {n}``, ``IN ({ids})``), which a bound parameter should fill.

Holes that stand where an identifier goes (``FROM {table}``, ``{schema}.migrations``, ``"{col}"``,
the name of a bound parameter ``:tag_{i}``), and the object's own settings outside a quoted
literal (``{self.table}``, ``LIMIT {self.top_k}``), are not reported unless they carry outside
text: identifiers cannot be bound as parameters, and names taken from the program's settings or
the database's own catalogue are not injection. Constant holes are never reported. Only
statements that read or write rows are considered.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.pycode.source import (
    Graded,
    PythonSource,
    Report,
    call_sites,
    graded_report,
)
from mlsec_policy.analyzers.read.pyorigin import Kind, Origin, Scope, Values
from mlsec_policy.analyzers.read.pystrings import Piece, fixed_text, pieces
from mlsec_policy.models import ArtifactKind

EXECUTE_METHODS = frozenset(
    {"execute", "executemany", "executescript", "exec_driver_sql", "read_sql", "read_sql_query",
     "sql", "raw", "mogrify"}
)  # fmt: skip
"""Methods that run (or prepare) the SQL text given as their first argument."""
RUN_SQL_METHODS = frozenset({"run_sql", "execute_sql", "run_query", "execute_query"})
"""Methods whose name says they run the SQL text given as their first argument."""
DATABASE_RUN_METHODS = frozenset({"run", "run_no_throw"})
"""Generic methods that run SQL text when called on a database object (``db.run(sql)``)."""
DATABASE = re.compile(r"(?i)(?:^|_)(?:db|database|sql\w*|sqlite\w*|duckdb|warehouse)$")
"""The name of an object that stands for a database (``self.database``, ``sql_db``)."""
TEXT_FUNCTIONS = frozenset(
    {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
     "pandas.read_sql", "pandas.read_sql_query"}
)  # fmt: skip
"""Functions that take SQL text."""
ROWS = re.compile(
    r"(?is)\b(?:select|insert\s+into|update\b.*\bset|delete\s+from|merge\s+into|replace\s+into"
    r"|upsert)\b"
)
"""A statement that reads or writes rows (names in DDL cannot be parameters)."""
IDENTIFIER_BEFORE = re.compile(
    r"(?is)(?:\b(?:from|join|into|update|table|exists|truncate|describe|using|order\s+by"
    r"|group\s+by)\s+(?:only\s+)?|[.\"`\[]|[:@$]\w*|\w)$"
)
"""Text ending where an identifier (or a part of one, or a bound parameter's name) goes."""
IDENTIFIER_AFTER = re.compile(r"^(?:[.\"`\]]|\w)")
PREFILTER = re.compile(
    rb"\.[\s\\]*(?:execute|executemany|executescript|exec_driver_sql|read_sql|read_sql_query|sql|raw"
    rb"|mogrify|run_sql|execute_sql|run_query|execute_query|run|run_no_throw)\s*\(|\btext\s*\("
    rb"|read_sql"
)
"""A call that can run SQL text; the method's name may follow its dot after white space, line
breaks or a backslash continuation, as Python allows inside brackets or after a backslash."""
NEEDED = (
    b"sql", b"db", b"database", b"warehouse", b"pandas", b"execute", b"raw", b"mogrify",
    b"run_query",
)  # fmt: skip
"""Some of these letters are in a file with a call that runs SQL text: the method's name
(``execute``, ``exec_driver_sql``, ``raw``...), the name of the database a generic ``run`` is
called on (``db``, ``database``, ``sql_engine``, ``warehouse``), or the module a ``text()``
or ``read_sql()`` comes from (``sqlalchemy``, ``pandas``), in any case. A substring test of the
lower-cased bytes, so it holds however the call is spelled (spaces, line breaks, a notebook's
JSON); it runs first, being several times cheaper than :data:`PREFILTER`."""


def may_run_sql(raw: bytes) -> bool:
    """Return False for a file's bytes that cannot hold a call :func:`sql_text` accepts."""
    lowered = raw.lower()
    return any(word in lowered for word in NEEDED) and PREFILTER.search(raw) is not None


def sql_statements(context: FileContext, params: Report) -> Iterable[Observation]:
    """Yield SQL statements whose worst hole is of the kind the check reports."""
    return graded_report(context, params, "sql", _grade)


def _grade(context: FileContext) -> Graded:
    graded: Graded = []
    for source, call, values in call_sites(context, may_run_sql, _runs_statement):
        statement = sql_text(call, values.scope)
        if statement is None:
            continue
        verdict = judge(pieces(statement, values), values, statement)
        if verdict is not None:
            graded.append((verdict[0].kind, _observation(source, call, verdict)))
    return graded


def sql_text(call: ast.Call, scope: Scope) -> ast.expr | None:
    """Return the SQL text a call runs, or None (a ``text()`` clause is judged at ``text()``)."""
    func = call.func
    statement = call.args[0] if call.args else None
    if statement is None:
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        statement = keywords.get("sql", keywords.get("statement", keywords.get("query")))
    if statement is None:
        return None
    if scope.qualified(func) in TEXT_FUNCTIONS:
        return statement
    if isinstance(func, ast.Attribute) and _runs_sql(func):
        if isinstance(statement, ast.Call) and scope.qualified(statement.func) in TEXT_FUNCTIONS:
            return None
        return statement
    return None


def _runs_statement(call: ast.Call, scope: Scope) -> bool:
    """Return True for a call that runs SQL text (whatever the values the walk gives it)."""
    return sql_text(call, scope) is not None


def _runs_sql(func: ast.Attribute) -> bool:
    """Return True for a method that runs its first argument as SQL text."""
    if func.attr in EXECUTE_METHODS or func.attr in RUN_SQL_METHODS:
        return True
    if func.attr not in DATABASE_RUN_METHODS:
        return False
    owner = func.value
    name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
    return bool(DATABASE.search(name))


def judge(parts: list[Piece], values: Values, statement: ast.expr) -> tuple[Origin, str] | None:
    """Return the worst reportable hole and where it stands (value, name, whole), or None."""
    holes = [(i, p.origin) for i, p in enumerate(parts) if p.origin is not None]
    if not holes:
        return None
    text = fixed_text(parts)
    if not text.strip():  # the statement is one value: reported only when it is outside text
        only = values.of(statement)
        return (only, "whole") if only.kind is Kind.OUTSIDE else None
    if not ROWS.search(text):
        return None
    worst: tuple[Origin, str] | None = None
    for index, origin in holes:
        if origin.kind is Kind.CONSTANT:
            continue
        before = "".join(p.text for p in parts[:index] if p.origin is None)
        after = "".join(p.text for p in parts[index + 1 :] if p.origin is None)
        quoted = before.count("'") % 2 == 1
        named = IDENTIFIER_BEFORE.search(before) or IDENTIFIER_AFTER.match(after)
        in_value = quoted or not named
        if origin.kind is Kind.UNKNOWN and (not in_value or (not quoted and _own(origin))):
            continue  # a name, or the object's own setting outside a quoted literal
        if worst is None or origin.kind > worst[0].kind:
            worst = (origin, "value" if in_value else "name")
    return worst


def _own(origin: Origin) -> bool:
    """Return True for an attribute of the object itself (its table, column or limit)."""
    node = origin.node
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"self", "cls"}
    )


def _observation(source: PythonSource, call: ast.Call, verdict: tuple[Origin, str]) -> Observation:
    origin, position = verdict
    if position == "whole":
        message = (
            f"the whole SQL statement is {origin.what} ({origin.text}): whoever controls it "
            "chooses what runs; allow only vetted, read-only statements"
        )
    elif origin.kind is Kind.OUTSIDE:
        message = (
            f"the SQL statement includes {origin.text}, {origin.what}; outside text in a "
            "statement can change what it does (bind values as parameters)"
        )
    else:
        where = "where a value goes" if position == "value" else "in the statement"
        message = (
            f"the SQL statement puts {origin.text} ({origin.what}) {where}; its origin is not "
            "visible here (heuristic): bind it as a parameter instead"
        )
    return Observation(source.location(call), message=message, snippet=source.snippet(call))


SQL = AnalyzerSpec(
    name="python-sql-statements",
    description="SQL statements with holes filled from outside the program, or from unknown "
    "places where a value goes (by where each part of the statement comes from).",
    kinds=frozenset({ArtifactKind.PYTHON, ArtifactKind.NOTEBOOK}),
    params=Params.beside(Report, __name__, "python-sql-statements"),
    file=sql_statements,
)
