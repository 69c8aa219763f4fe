"""Chains that ask the model for an address and then fetch it."""

import urllib.request

import httpx
import requests
from openai import OpenAI


class DocsLookupChain:
    def __init__(self, url_writer, http_session, answerer):
        self.url_writer = url_writer
        self.http_session = http_session
        self.answerer = answerer

    def run(self, question, docs):
        address = self.url_writer.predict(question=question, docs=docs)
        address = address.strip()
        # ruleid: model-output-request-url
        body = self.http_session.get(address)
        return self.answerer.predict(question=question, body=body.text)


def fetch_suggested(client: OpenAI, topic: str) -> str:
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Which URL documents {topic}?"}],
    )
    link = reply.choices[0].message.content
    # ruleid: model-output-request-url
    return requests.get(link, timeout=10).text


async def call_tool(llm, task):
    plan = await llm.ainvoke(task)
    target = plan.content.split()[0]
    async with httpx.AsyncClient() as web_client:
        # ruleid: model-output-request-url
        response = await web_client.post(url=target, json={"task": task})
    return response.json()


def post_result(agent, task, payload):
    endpoint = "{}".format(agent.generate(task))
    # ruleid: model-output-request-url
    return httpx.post(endpoint, json=payload)


def open_cited(llm, question):
    cited = llm.invoke(question).content
    # ruleid: model-output-request-url
    return urllib.request.urlopen(cited, timeout=10).read()


def follow_citation(anthropic_client, question):
    message = anthropic_client.messages.create(
        model="claude-3-5-sonnet-latest",
        max_tokens=256,
        messages=[{"role": "user", "content": question}],
    )
    source_url = message.content[0].text.strip()
    # ruleid: model-output-request-url
    return requests.request("GET", source_url, timeout=10).text


def webhook_from_reply(client: OpenAI, instructions):
    response = client.responses.create(model="gpt-4.1-mini", input=instructions)
    hook = response.output_text.strip()
    # ruleid: model-output-request-url
    return httpx.request("POST", hook, json={"done": True})


def prepared_request(llm, question):
    link = llm.predict(question)
    # ruleid: model-output-request-url
    req = urllib.request.Request(link, headers={"User-Agent": "docs-bot"})
    # ruleid: model-output-request-url
    return urllib.request.urlopen(req, timeout=10).read()
