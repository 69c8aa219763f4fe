import sqlite3

import pandas as pd
from sqlalchemy import text

TABLES = {"reviews", "labels"}


def find_reviews(conn: sqlite3.Connection, author):
    cursor = conn.cursor()
    # safe
    cursor.execute("SELECT id, body FROM reviews WHERE author = ?", (author,))
    return cursor.fetchall()


def relabel(session, review_id, label):
    # safe
    session.execute(text("UPDATE reviews SET label = :label WHERE id = :id"), {"label": label, "id": review_id})


def frame(engine, author):
    # safe
    return pd.read_sql("SELECT * FROM reviews WHERE author = %(author)s", engine, params={"author": author})


def adults(df, minimum):
    # a pandas query expression, not SQL
    # safe
    return df.query(f"age >= {minimum}")


class History:
    def __init__(self, connection, table_name):
        self.connection = connection
        self.table_name = table_name

    def messages(self, session_id):
        cursor = self.connection.cursor()
        # the table name comes from the object's configuration; the value is a parameter
        # safe
        cursor.execute(f"SELECT message FROM {self.table_name} WHERE session_id = %s", (session_id,))
        # safe
        cursor.execute(f"DELETE FROM {self.table_name}")
        return cursor.fetchall()


def columns(cursor, owner, table):
    sql = (
        "select column_name, data_type from all_tab_columns "
        + "where owner = :ownername and table_name = :tablename"
    )
    # literals only, and named binds
    # safe
    cursor.execute(sql, ownername=owner, tablename=table)


async def settings_under(db, select, Config, namespace):
    # an ORM expression: the f-string is a bound LIKE value, not statement text
    # safe
    return await db.execute(select(Config).where(Config.key.like(f"{namespace}.%")))


def tagged(session, tags):
    clauses = []
    for index, tag in enumerate(tags):
        # the interpolation only names a bind parameter; the value is bound
        # safe
        clauses.append(session.execute(text(f"SELECT 1 FROM tags WHERE value = :tag_{index}"), {f"tag_{index}": tag}))
    return clauses
