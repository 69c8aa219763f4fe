from pydantic import BaseModel


class ConversationBase(BaseModel):
    messages: list[dict[str, str]]
    system: str | None = None
