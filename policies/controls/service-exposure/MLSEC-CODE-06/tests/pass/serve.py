import logging
import traceback
import uuid

import gradio as gr
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse

log = logging.getLogger("serving")
app = FastAPI()


def classify(text):
    return {"label": "positive"}


@app.post("/predict")
async def predict(payload: dict):
    try:
        return classify(payload["text"])
    except Exception:
        request_id = uuid.uuid4().hex
        log.error("prediction failed (%s): %s", request_id, traceback.format_exc())
        # ok: traceback-returned-to-client
        return JSONResponse({"error": "internal error", "request_id": request_id}, status_code=500)


@app.post("/batch")
async def batch(payload: dict):
    try:
        return [classify(t) for t in payload["texts"]]
    except KeyError as exc:
        # a client mistake, described by a 4xx
        # ok: exception-text-in-server-error
        raise HTTPException(status_code=422, detail=f"missing field {exc}")
    except RuntimeError:
        log.exception("batch failed")
        # ok: exception-text-in-server-error
        raise HTTPException(status_code=500, detail="internal error")


demo = gr.Interface(fn=classify, inputs="text", outputs="json")
# ok: gradio-show-error
demo.launch()


KNOWN_ERRORS = {"timeout": "the app did not answer in time"}


@app.post("/apps/run")
async def run_app(payload: dict):
    try:
        return classify(payload["text"])
    except RuntimeError as exc:
        # a fixed message chosen by the exception's text, not the text itself
        # ok: exception-text-in-server-error
        raise HTTPException(502, KNOWN_ERRORS.get(str(exc), "the app returned an invalid response"))
