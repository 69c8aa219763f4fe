import gradio as gr


def classify(text):
    return {"positive": 0.9, "negative": 0.1}


demo = gr.Interface(fn=classify, inputs="text", outputs="label")
# ruleid: gradio-public-share
demo.launch(share=True, server_name="0.0.0.0")
