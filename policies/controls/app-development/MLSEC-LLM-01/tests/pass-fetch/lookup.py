"""The model's answer travels in a request, but the program picks the host."""

import urllib.parse

import requests

SEARCH_URL = "https://search.example.org/api"


def search(llm, question):
    terms = llm.invoke(question).content
    # ok: model-output-request-url
    return requests.get(SEARCH_URL, params={"q": terms}, timeout=10).json()


def wiki_page(llm, question):
    title = llm.predict(question)
    # ok: model-output-request-url
    return requests.get(f"https://wiki.example.org/pages/{title}", timeout=10).text


def encoded(llm, question, base):
    term = llm.predict(question)
    # ok: model-output-request-url
    return requests.get(base + urllib.parse.quote(term), timeout=10).text


def cached_answer(llm, cache, question):
    key = llm.predict(question)
    # a dictionary, not an HTTP client
    # ok: model-output-request-url
    return cache.get(key)


def configured(settings, session):
    # ok: model-output-request-url
    return session.get(settings["status_url"], timeout=5)


def encoded_query(llm, question, base):
    term = llm.predict(question)
    # ok: model-output-request-url
    return requests.get(base + "?q=" + urllib.parse.quote_plus(term), timeout=10).text


def store_answer(llm, db_session, question, answer_model):
    answer = llm.predict(question)
    # a database session, and add is not a request verb
    # ok: model-output-request-url
    db_session.add(answer_model(question=question, text=answer))
