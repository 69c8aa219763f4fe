import gradio as gr


def run(tokenizer, ids):
    text = tokenizer.decode(ids[0], skip_special_tokens=True)
    # ruleid: eval-of-model-output
    return eval(text)


demo = gr.Interface(fn=run, inputs="text", outputs="text")
