import sqlite3

connection = sqlite3.connect("labels.db")


def by_owner(owner):
    cursor = connection.cursor()
    query = "SELECT id, text FROM labels WHERE owner = '"
    query += owner
    query += "'"
    cursor.execute(query)
    return cursor.fetchall()


def by_tag(tag, limit):
    query = "SELECT id FROM labels WHERE 1 = 1"
    query = query + " AND tag = '" + tag + "'"
    query = query + " LIMIT " + str(limit)
    return connection.execute(query).fetchall()


def by_ids(ids):
    query = "".join(["DELETE FROM labels WHERE id IN (", ids, ")"])
    connection.execute(query)


def by_status(status):
    sql = "UPDATE labels SET reviewed = 1 WHERE status = '%s'"
    sql = sql % status
    connection.execute(sql)


def by_name(name):
    sql = "SELECT id FROM labels"
    sql += " WHERE name = '%s'"
    connection.execute(sql % name)


def by_filter(column_filter):
    query = "SELECT id FROM labels WHERE 1 = 1"
    if column_filter:
        query += " AND label = '" + column_filter + "'"
    connection.execute(query)


def by_parts(owner):
    parts = ["SELECT id FROM labels", "WHERE owner =", "'" + owner + "'"]
    connection.execute(" ".join(parts))


def by_label(label):
    sql = "SELECT id FROM labels WHERE label = '%s'"
    sql %= label
    connection.execute(sql)
