from typing import Literal

from pydantic import BaseModel, Field


class EmbeddingRequest(BaseModel):
    input: str | list[str] = Field(max_length=256)
    model: str = "default"
    encoding_format: str = "float"
    user: str | None = Field(default=None, description="accepted for compatibility, not read")
    dimensions: Literal["full", "half"] = "full"
