app = FastAPI()
# ruleid: serving-endpoint
@app.post("/predict")
async def predict(payload: dict) -> dict:
    return {}
