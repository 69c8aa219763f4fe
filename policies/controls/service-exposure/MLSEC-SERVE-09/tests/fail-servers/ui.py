from dataclasses import dataclass

import gradio as gr


@dataclass
class UISettings:
    server_name: str = "0.0.0.0"
    port: int = 7860


def launch(settings: UISettings) -> None:
    demo = gr.ChatInterface(fn=lambda message, history: model.reply(message))
    demo.queue(max_size=32).launch(
        server_port=settings.port,
        server_name=settings.server_name,
    )
