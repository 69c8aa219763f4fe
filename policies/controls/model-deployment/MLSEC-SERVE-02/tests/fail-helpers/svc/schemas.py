from typing import Union

from .base import ConversationBase


class CompletionRequest(ConversationBase):
    prompt: Union[str, list[str]]
    stop: list[str] | None = None
    temperature: float = 0.7
