import os

import gradio as gr


def classify(text):
    return {"positive": 0.9, "negative": 0.1}


demo = gr.Interface(fn=classify, inputs="text", outputs="label")
# ok: gradio-public-share
demo.launch(server_name="127.0.0.1")


def review_link():
    # a short review with a password
    # ok: gradio-public-share
    demo.launch(share=True, auth=("reviewer", os.environ["DEMO_PASSWORD"]))
