import logging

from fastapi import FastAPI, Request

from .privacy import redact_pii

log = logging.getLogger("serving")
app = FastAPI()


@app.post("/predict")
async def predict(request: Request):
    payload = await request.json()
    # ok: sensitive-value-logged, request-body-logged
    log.info("prediction request with %d fields", len(payload))
    return {"label": "positive"}


def answer(prompt, user, request_id):
    # ok: sensitive-value-logged, request-body-logged
    logging.info("answering request %s (%d characters)", request_id, len(prompt))
    # ok: sensitive-value-logged, request-body-logged
    log.warning("prompt after redaction: %s", redact_pii(prompt))
    # ok: sensitive-value-logged, request-body-logged
    log.info("user %s asked a question", user.id)
    return "..."


def chat(prompt, prompt_path, payload, logger):
    # ok: sensitive-value-logged, request-body-logged
    logger.info("prompt template loaded from %s", prompt_path)
    # ok: sensitive-value-logged, request-body-logged
    logger.info("chat request for model %s", payload["model"])
    # ok: sensitive-value-logged, request-body-logged
    logger.debug("prompt has %d characters", len(prompt))


@app.post("/v1/completions")
async def completions(request: Request, session):
    body = await request.json()
    # ok: request-body-logged
    log.info(f"completion request with keys {list(body.keys())}")
    upstream = await session.post("/prefill", json={"n": 1})
    answer = await upstream.json()
    # ok: request-body-logged
    log.debug(f"upstream answered with keys {answer.keys()}")
    # ok: request-body-logged
    log.debug("upstream answer %s", answer)
    return answer
