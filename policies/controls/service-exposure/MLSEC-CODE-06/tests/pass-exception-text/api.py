import logging
import uuid

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)
app = FastAPI()


@app.post("/v1/completions")
async def completions(body: dict):
    try:
        params = parse_params(body)
    except ValueError as e:
        # a client mistake, described by our own validation message
        # ok: exception-text-in-server-error
        raise HTTPException(status_code=400, detail=str(e))
    try:
        return await engine.generate(params)
    except Exception as e:
        request_id = uuid.uuid4().hex
        log.exception("generation failed (%s): %s", request_id, e)
        # ok: exception-text-in-server-error
        return JSONResponse({"error": "internal error", "request_id": request_id}, status_code=500)


@app.post("/v1/embeddings")
async def embeddings(body: dict):
    try:
        return await engine.embed(body)
    except Exception as e:
        kind = type(e).__name__
        log.error("embedding failed: %s", str(e))
        # ok: exception-text-in-server-error
        return {"error": "embedding failed", "kind_known": kind in KNOWN_KINDS}
