"""``run`` on objects that are not databases, and fixed statements run on one."""

from flask import Flask, request

site = Flask(__name__)
COUNT_ROWS = "SELECT count(*) FROM labels"


@site.post("/ask")
def ask(agent=None):
    # an agent answers the question; it does not run it as SQL
    return agent.run(request.json["question"])


def refine(chain, llm, question):
    draft = llm.predict(question)
    return chain.run(draft)


def count(database):
    return database.run(COUNT_ROWS)
