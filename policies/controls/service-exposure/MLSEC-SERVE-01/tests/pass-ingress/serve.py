from fastapi import FastAPI

app = FastAPI()


@app.post("/predict")
async def predict(body: dict):
    return {"label": "positive"}
