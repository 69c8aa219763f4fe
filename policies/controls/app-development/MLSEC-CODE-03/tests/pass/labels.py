import sqlite3

import pandas as pd
from sqlalchemy import text

TABLES = {"reviews", "labels"}


def find_reviews(conn: sqlite3.Connection, author):
    cursor = conn.cursor()
    # ok: sql-built-from-strings
    cursor.execute("SELECT id, body FROM reviews WHERE author = ?", (author,))
    return cursor.fetchall()


def relabel(session, review_id, label):
    # ok: sql-built-from-strings
    session.execute(text("UPDATE reviews SET label = :label WHERE id = :id"), {"label": label, "id": review_id})


def frame(engine, author):
    # ok: sql-built-from-strings
    return pd.read_sql("SELECT * FROM reviews WHERE author = %(author)s", engine, params={"author": author})


def adults(df, minimum):
    # a pandas query expression, not SQL
    # ok: sql-built-from-strings
    return df.query(f"age >= {minimum}")
