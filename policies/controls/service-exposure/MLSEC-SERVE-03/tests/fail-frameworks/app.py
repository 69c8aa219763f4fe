import json
import os
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import flask
import gradio as gr
import torch
from fastapi import FastAPI
from fastapi.responses import FileResponse, ORJSONResponse
from fastapi.staticfiles import StaticFiles

from model_zoo import classifier, encoder, generator, tokenizer

CHECKPOINT_DIR = os.environ.get("CHECKPOINT_DIR", "checkpoints")
WEIGHTS = Path("weights") / "detector.pt"

app = FastAPI()
web = flask.Flask(__name__)


@app.post("/generate")
async def generate(prompt: str):
    ids = tokenizer(prompt, return_tensors="pt").input_ids
    out = generator.generate(ids, output_scores=True, return_dict_in_generate=True)
    step_scores = torch.stack(out.scores, dim=1).tolist()
    payload = {"text": tokenizer.decode(out.sequences[0]), "scores": step_scores}
    # ruleid: probabilities-returned
    return ORJSONResponse(content=payload)


@app.post("/embed")
def embed(text: str):
    out = encoder(**tokenizer(text, return_tensors="pt"), output_hidden_states=True)
    layers = torch.stack(out.hidden_states).tolist()
    # ruleid: probabilities-returned
    return {"layers": layers}


def classify(text):
    logprobs = torch.log_softmax(classifier(text).logits, dim=-1)
    # ruleid: probabilities-returned
    return {"label": int(logprobs.argmax()), "logprobs": logprobs[0].tolist()}


with gr.Blocks() as demo:
    box = gr.Textbox()
    box.submit(classify, inputs=box, outputs=gr.JSON())


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        probs = classifier.predict_proba([json.loads(self.rfile.read(512))])
        self.send_response(200)
        self.end_headers()
        # ruleid: probabilities-returned
        self.wfile.write(json.dumps({"probs": probs[0].tolist()}).encode())


@app.get("/checkpoints/{name}")
def download_checkpoint(name: str):
    # ruleid: model-weights-served
    return FileResponse(f"{CHECKPOINT_DIR}/{name}.safetensors")


@app.get("/detector")
async def detector_weights():
    # ruleid: model-weights-served
    return FileResponse(path=WEIGHTS, filename="detector.pt")


@web.route("/models/<path:filename>")
def model_file(filename):
    # ruleid: model-weights-served
    return flask.send_from_directory(web.config["MODEL_DIR"], filename)


# ruleid: model-weights-served
app.mount("/weights", StaticFiles(directory=CHECKPOINT_DIR), name="weights")


# a tornado handler: its sink is the handler's write, found through the class's base
import tornado.web


class ScoreHandler(tornado.web.RequestHandler):
    def post(self):
        probs = classifier.predict_proba([json.loads(self.request.body)])
        # ruleid: probabilities-returned
        self.write({"probs": probs[0].tolist()})
