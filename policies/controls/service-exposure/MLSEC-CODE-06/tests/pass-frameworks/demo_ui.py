import logging

import gradio as gr
import streamlit as st

from summariser import pipeline

log = logging.getLogger(__name__)


def summarise(text):
    try:
        return pipeline(text)[0]["summary_text"]
    except Exception as err:
        log.exception("summary failed: %s", err)
        # ok: exception-text-in-server-error
        return "Something went wrong; the error was logged."


def render_error(err):
    # not a handler of the interface: a helper for the log
    return f"failed: {err}"


with gr.Blocks() as demo:
    box = gr.Textbox()
    out = gr.Textbox()
    gr.Button("Summarise").click(summarise, inputs=box, outputs=out)


def streamlit_page(text):
    try:
        st.write(pipeline(text))
    except Exception as e:
        log.error(render_error(e))
        # ok: exception-text-in-server-error
        st.error("Inference failed; please try again later.")
