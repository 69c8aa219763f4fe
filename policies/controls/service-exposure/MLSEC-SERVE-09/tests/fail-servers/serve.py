"""A model server bound to every interface through a module constant."""

import uvicorn
from fastapi import FastAPI

BIND_ADDRESS = "0.0.0.0"
app = FastAPI()


@app.post("/predict")
async def predict(body: dict):
    return {"label": model.predict(body["text"])}


if __name__ == "__main__":
    uvicorn.run(app, host=BIND_ADDRESS, port=8000)
