"""Substring anchors in front of a pre-test's regular expression change no answer.

Several analyzers turn a file down before parsing it when a regular expression finds nothing;
an alternation with no literal prefix makes Python's engine try every byte, so a few substring
tests (``in``, C code) now run first. Each anchored test must answer as its expression alone
did, on constructed text and on the standard library's files. A new alternative in an
expression that holds none of the anchors fails here.
"""

from __future__ import annotations

import re
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.analyzers.pycode import endpoints, evaluation, shell, sql

OLD_SQL_NEEDED = re.compile(rb"(?i)sql|db|database|warehouse|pandas|execute|raw|mogrify|run_query")


def _endpoint(data: bytes) -> bool:
    return any(a in data for a in endpoints.ANCHORS) and bool(endpoints.PREFILTER.search(data))


PAIRS: list[tuple[str, Callable[[bytes], bool], Callable[[bytes], bool]]] = [
    ("endpoints", _endpoint, lambda d: bool(endpoints.PREFILTER.search(d))),
    (
        "evaluation",
        evaluation.may_evaluate,
        lambda d: (
            bool(evaluation.PREFILTER.search(d))
            and (b"builtins" in d or bool(evaluation.NOT_A_METHOD.search(d)))
        ),
    ),
    (
        "sql",
        sql.may_run_sql,
        lambda d: bool(sql.PREFILTER.search(d)) and bool(OLD_SQL_NEEDED.search(d)),
    ),
    ("shell", shell.may_run_shell, lambda d: bool(shell.PREFILTER.search(d))),
]
TEXTS = [
    b"",
    b"mlflow.set_tracking_uri(u)",
    b"client = boto3.client('s3', endpoint_url = u)",
    b"MlflowClient(registry_uri=x)",
    b"x = eval (code)",
    b"builtins.exec(c)",
    b"model.eval()",
    b"cur.execute(q)",
    b"conn.\\\n  executescript(q)",
    b"pd.read_sql(q, con)",
    b"DB.run(q)",
    b"WAREHOUSE.run (q)",
    b"session.run_query(q)",
    b"sqlalchemy.text(q)",
    b"os.system(cmd)",
    b"subprocess.Popen(c, shell = True)",
    b"commands.getoutput(c)",
    b"os.popen (c)",
    b"run_shell(c)",
]


@pytest.mark.parametrize(("name", "anchored", "alone"), PAIRS, ids=[p[0] for p in PAIRS])
def test_anchored_pretests_answer_as_the_expression_alone(
    name: str, anchored: Callable[[bytes], bool], alone: Callable[[bytes], bool]
) -> None:
    inputs = list(TEXTS)
    library = Path(sysconfig.get_paths()["stdlib"])
    inputs += [p.read_bytes() for p in sorted(library.glob("*.py"))]
    inputs += [p.read_bytes() for p in sorted((library / "sqlite3").glob("*.py"))]
    answers = [(anchored(d), alone(d)) for d in inputs]
    assert all(a == b for a, b in answers), name
    # both answers occur, so the comparison means something
    assert {a for a, _ in answers} == {True, False}, name
