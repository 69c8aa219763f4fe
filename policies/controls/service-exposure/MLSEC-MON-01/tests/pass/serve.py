from fastapi import FastAPI
from prometheus_fastapi_instrumentator import Instrumentator

app = FastAPI()
Instrumentator().instrument(app).expose(app)


# ruleid: serving-endpoint
@app.post("/predict")
async def predict(payload: dict) -> dict:
    return {"label": "positive"}
