import logging

from fastapi import FastAPI, HTTPException, WebSocket
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)
app = FastAPI()


def error_response(code: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message, "code": code}, status_code=400)


@app.post("/v1/chat/completions")
async def chat(body: dict):
    try:
        return await engine.generate(body)
    except Exception as e:
        # ruleid: exception-text-in-server-error
        return error_response(50001, str(e))


@app.post("/v1/embeddings")
async def embeddings(body: dict):
    try:
        return await engine.embed(body)
    except (TimeoutError, Exception) as err:
        reason = repr(err)
        # ruleid: exception-text-in-server-error
        return {"object": "error", "detail": reason}


@app.post("/v1/rerank")
async def rerank(body: dict):
    try:
        return await engine.rerank(body)
    except BaseException as failure:
        # ruleid: exception-text-in-server-error
        raise HTTPException(status_code=400, detail="rerank failed: {}".format(failure))


@app.websocket("/v1/stream")
async def stream(socket: WebSocket):
    await socket.accept()
    try:
        async for chunk in engine.stream(await socket.receive_json()):
            await socket.send_json(chunk)
    except Exception as exc:
        # ruleid: exception-text-in-server-error
        await socket.send_json({"error": f"stream broken: {exc}"})
