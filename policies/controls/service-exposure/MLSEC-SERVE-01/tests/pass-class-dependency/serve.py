"""Guards written as classes and as parameters of the handler, with neutral names."""

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request, status

app = FastAPI()


class KeyGate:
    def __init__(self, header: str) -> None:
        self.header = header

    def __call__(self, request: Request) -> str:
        presented = request.headers.get(self.header)
        if presented not in ALLOWED:
            raise HTTPException(status_code=status.HTTP_403_FORBIDDEN)
        return presented


ALLOWED = {"k-123"}
gate = KeyGate("x-api-key")
Caller = Annotated[str, Depends(gate)]


@app.post("/classify")
async def classify(body: dict, who: Caller):
    return {"label": "spam"}


@app.post("/summarize")
async def summarize(body: dict, who: str = Depends(KeyGate("x-api-key"))):
    return {"summary": ""}


@app.websocket("/stream")
async def stream(websocket, who: Annotated[str, Depends(gate)]):
    await websocket.accept()
