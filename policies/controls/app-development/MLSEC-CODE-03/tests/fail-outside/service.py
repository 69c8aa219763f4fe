"""Request, command-line and model text put into statements."""

import argparse
import sqlite3

from fastapi import FastAPI
from flask import Flask, request
from sqlalchemy import text as sql_text

api = FastAPI()
site = Flask(__name__)
parser = argparse.ArgumentParser()
parser.add_argument("--label")
options = parser.parse_args()


@site.route("/reviews")
def reviews():
    author = request.args.get("author", "")
    where = f"author = '{author}'"
    query = "SELECT id, body FROM reviews WHERE " + where
    return sqlite3.connect("app.db").execute(query).fetchall()


@api.get("/ranking")
def ranking(order: str, limit: int, session=None):
    # a name from the request is still outside text; the number cannot change the statement
    return session.execute(sql_text(f"SELECT * FROM scores ORDER BY {order} LIMIT {limit}"))


def export(engine):
    statement = "DELETE FROM labels WHERE name = '%s'" % options.label
    with engine.connect() as connection:
        connection.exec_driver_sql(statement)


def answer(llm, connection, question):
    # text-to-SQL: the model writes the whole statement
    generated = llm.invoke(f"Write SQL for: {question}").content
    return connection.execute(sql_text(generated)).fetchall()


class QuestionToSQL:
    """A chain that asks the model for a statement and runs it as written."""

    def __init__(self, writer, database):
        self.writer = writer
        self.database = database

    def __call__(self, question):
        statement = self.writer.predict(input=question, dialect="sqlite").strip()
        return self.database.run(statement)


def ask_warehouse(client, warehouse, question):
    reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": question}])
    return warehouse.run_sql(reply.choices[0].message.content)


def quiet_run(llm, sql_db, question):
    return sql_db.run_no_throw(llm.invoke(question).content)
