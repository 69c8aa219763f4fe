import sqlite3

connection = sqlite3.connect("labels.db")
COLUMNS = ("id", "text", "owner")


def by_owner(owner):
    cursor = connection.cursor()
    query = "SELECT id, text FROM labels WHERE owner = ?"
    query += " ORDER BY id"
    cursor.execute(query, (owner,))
    return cursor.fetchall()


def by_tag(tag, limit):
    query = "SELECT id FROM labels WHERE 1 = 1"
    query = query + " AND tag = ?"
    query = query + " LIMIT 100"
    return connection.execute(query, (tag,)).fetchall()


def from_table(table, ids):
    query = "".join(["DELETE FROM ", table, " WHERE id IN (", ",".join("?" * len(ids)), ")"])
    connection.execute(query, ids)


def by_status(status):
    sql = "UPDATE labels SET reviewed = 1 WHERE status = '%s'"
    sql = sql % "done"
    connection.execute(sql)


def by_name(name):
    sql = "SELECT id FROM labels"
    sql += " WHERE name = %s"
    connection.execute(sql, (name,))


def by_filter(column_filter):
    query = "SELECT id FROM labels WHERE 1 = 1"
    if column_filter:
        query += " AND label = ?"
    connection.execute(query, (column_filter,) if column_filter else ())


def listing():
    parts = ["SELECT", ", ".join(COLUMNS), "FROM labels"]
    connection.execute(" ".join(parts))


def reviewed():
    sql = "SELECT id FROM labels WHERE label = '%s'"
    sql %= "reviewed"
    connection.execute(sql)
