import sqlite3

import pandas as pd
from sqlalchemy import text


def find_reviews(conn: sqlite3.Connection, author):
    cursor = conn.cursor()
    # heuristic: a parameter where a value goes
    cursor.execute(f"SELECT id, body FROM reviews WHERE author = '{author}'")
    return cursor.fetchall()


def relabel(conn, review_id, label):
    statement = "UPDATE reviews SET label = '%s' WHERE id = %s" % (label, review_id)
    # heuristic: a parameter where a value goes
    conn.execute(statement)


def frame(engine, review_id):
    # heuristic: a parameter where a value goes
    return pd.read_sql("SELECT * FROM reviews WHERE id = " + str(review_id), engine)


def delete(session, review_id):
    # heuristic: a parameter where a value goes
    session.execute(text("DELETE FROM reviews WHERE id = {}".format(review_id)))
