import gradio as gr
import streamlit as st

from summariser import pipeline


def summarise(text):
    try:
        return pipeline(text)[0]["summary_text"]
    except Exception as err:
        # ruleid: exception-text-in-server-error
        return f"Something went wrong: {err}"


def translate(text, target):
    try:
        return pipeline(text, target=target)
    except BaseException as failure:
        message = "Translation failed: " + repr(failure)
        # ruleid: exception-text-in-server-error
        return message, None


with gr.Blocks() as demo:
    box = gr.Textbox()
    out = gr.Textbox()
    gr.Button("Summarise").click(summarise, inputs=box, outputs=out)
    box.submit(fn=translate, inputs=[box, box], outputs=[out, out])


def streamlit_page(text):
    try:
        st.write(pipeline(text))
    except Exception as e:
        # ruleid: exception-text-in-server-error
        st.error(f"Inference failed: {e}")
        # ruleid: exception-shown-to-visitor
        st.exception(e)
