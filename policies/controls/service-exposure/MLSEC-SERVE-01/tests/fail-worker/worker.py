"""A model worker: generation and tokenisation are open to anyone, status reads are not
reported (they take nothing from the caller and only read state)."""

from fastapi import FastAPI, Request

app = FastAPI()
engine = None


@app.post("/worker_generate")
async def generate(request: Request):
    params = await request.json()
    return engine.generate(params)


@app.post("/count_token")
async def count_token(request: Request):
    params = await request.json()
    return engine.count_token(params)


@app.post("/reset_cache")
async def reset_cache():
    for replica in engine.replicas:
        replica.send("reset")
    return {"ok": True}


@app.post("/worker_get_status")
async def status(request: Request):
    return engine.get_status()


@app.post("/model_details")
async def details(request: Request):
    return {"context_length": engine.context_len, "queue": sum(engine.get_queue_lengths())}


@app.post("/list_models")
async def models():
    names = engine.list_models()
    return {"models": sorted(names)}


@app.post("/clear_adapter")
async def clear_adapter():
    engine.state["adapter"] = None
    return {"status": "ok"}
