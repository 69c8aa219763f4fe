import json
import logging

from fastapi import FastAPI, Request

log = logging.getLogger("serving")
app = FastAPI()


@app.post("/predict")
async def predict(request: Request):
    payload = await request.json()
    # ruleid: request-body-logged
    log.info("prediction request: %s", payload)
    return {"label": "positive"}


@app.post("/v1/embeddings")
async def embeddings(raw: Request):
    data = await raw.body()
    # ruleid: request-body-logged
    log.debug(f"embedding body {data!r}")
    # ruleid: request-body-logged
    log.info("as json: " + json.dumps(data))
    return {"data": []}


async def proxy(incoming: Request, client):
    body = await incoming.json()
    # ruleid: request-body-logged
    log.warning("forwarding {}".format(body))
    return await client.post("/upstream", json=body)


def answer(prompt, user):
    # ruleid: sensitive-value-logged
    logging.info(f"answering prompt {prompt!r}")
    # ruleid: sensitive-value-logged
    log.warning("no account for %s", user.email)
    # ruleid: sensitive-value-logged
    log.debug("raw prompt: " + prompt)
    return "..."


def chat(user_input, payload, logger):
    # ruleid: sensitive-value-logged
    logger.info("user said: " + user_input)
    # ruleid: sensitive-value-logged
    logger.error("could not answer %s", payload["prompt"])
