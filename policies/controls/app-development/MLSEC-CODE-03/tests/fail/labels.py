import sqlite3

import pandas as pd
from sqlalchemy import text


def find_reviews(conn: sqlite3.Connection, author):
    cursor = conn.cursor()
    # ruleid: sql-built-from-strings
    cursor.execute(f"SELECT id, body FROM reviews WHERE author = '{author}'")
    return cursor.fetchall()


def relabel(conn, review_id, label):
    statement = "UPDATE reviews SET label = '%s' WHERE id = %s" % (label, review_id)
    # ruleid: sql-built-from-strings
    conn.execute(statement)


def frame(engine, table):
    # ruleid: sql-built-from-strings
    return pd.read_sql("SELECT * FROM " + table, engine)


def delete(session, review_id):
    # ruleid: sql-built-from-strings
    session.execute(text("DELETE FROM reviews WHERE id = {}".format(review_id)))
