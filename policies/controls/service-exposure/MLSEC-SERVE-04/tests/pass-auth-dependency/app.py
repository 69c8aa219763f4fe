import gradio as gr
from fastapi import Request


def signed_in_user(request: Request) -> str | None:
    return request.headers.get("x-forwarded-user")


with gr.Blocks() as demo:
    gr.Markdown("Ticket triage")

# the share link answers only to users the SSO proxy has signed in
# ok: gradio-public-share
demo.launch(share=True, auth_dependency=signed_in_user)
