"""Chains that ask the model for an address and then fetch it."""

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
