import traceback

import gradio as gr
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse

app = FastAPI()


def classify(text):
    return {"label": "positive"}


@app.post("/predict")
async def predict(payload: dict):
    try:
        return classify(payload["text"])
    except Exception:
        # ruleid: traceback-returned-to-client
        return JSONResponse({"error": traceback.format_exc()}, status_code=500)


@app.post("/embed")
async def embed(payload: dict):
    try:
        return classify(payload["text"])
    except Exception:
        trace = traceback.format_exc()
        # ruleid: traceback-returned-to-client
        return {"error": "failed", "trace": trace}


@app.post("/batch")
async def batch(payload: dict):
    try:
        return [classify(t) for t in payload["texts"]]
    except RuntimeError as exc:
        # ruleid: exception-text-in-5xx-response
        raise HTTPException(status_code=500, detail=str(exc))


demo = gr.Interface(fn=classify, inputs="text", outputs="json")
# ruleid: gradio-show-error
demo.launch(show_error=True)
