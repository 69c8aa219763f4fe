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
