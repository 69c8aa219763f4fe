import os

import flask
import gradio as gr
import torch
from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from auth import require_api_key
from model_zoo import classifier, encoder, generator, tokenizer

CHECKPOINT_DIR = os.environ.get("CHECKPOINT_DIR", "checkpoints")

app = FastAPI()
web = flask.Flask(__name__)


@app.post("/generate")
async def generate(prompt: str):
    ids = tokenizer(prompt, return_tensors="pt").input_ids
    out = generator.generate(ids, max_new_tokens=64)
    # ok: probabilities-returned
    return {"text": tokenizer.decode(out[0])}


def classify(text):
    logprobs = torch.log_softmax(classifier(text).logits, dim=-1)
    # ok: probabilities-returned
    return {"label": int(logprobs.argmax()), "confidence": round(float(logprobs.max().exp()), 2)}


with gr.Blocks() as demo:
    box = gr.Textbox()
    box.submit(classify, inputs=box, outputs=gr.JSON())


@app.get("/checkpoints/{name}")
def download_checkpoint(name: str, key: str = Depends(require_api_key)):
    # ok: model-weights-served
    return FileResponse(f"{CHECKPOINT_DIR}/{name}.safetensors")


@app.get("/")
def index():
    # ok: model-weights-served
    return FileResponse("static/index.html")


@web.route("/outputs/<path:filename>")
def generated_image(filename):
    # ok: model-weights-served
    return flask.send_from_directory("outputs", filename)


# ok: model-weights-served
app.mount("/static", StaticFiles(directory="static"), name="static")
