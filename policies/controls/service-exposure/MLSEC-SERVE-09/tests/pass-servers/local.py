"""Open routes, but bound to loopback unless the operator asks otherwise."""

import argparse

import gradio as gr
import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.post("/generate")
async def generate(body: dict):
    return {"text": ""}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--listen", action="store_true", help="listen on every interface")
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=8000)
    bind = "0.0.0.0" if args.listen else "127.0.0.1"
    uvicorn.run(app, host=bind, port=8001)
    demo = gr.Interface(fn=str.upper, inputs="text", outputs="text")
    demo.launch(server_name="0.0.0.0", auth=("admin", read_password()))
