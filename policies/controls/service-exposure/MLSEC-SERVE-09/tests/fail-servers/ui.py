from dataclasses import dataclass

import gradio as gr


@dataclass
class UISettings:
    server_name: str = "0.0.0.0"
    port: int = 7860


def launch(settings: UISettings) -> None:
    demo = gr.ChatInterface(fn=lambda message, history: model.reply(message))
    demo.queue().launch(server_name=settings.server_name, server_port=settings.port)
