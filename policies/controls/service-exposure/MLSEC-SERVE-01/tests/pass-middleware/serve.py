from fastapi import FastAPI
from starlette.middleware.authentication import AuthenticationMiddleware

from .auth import TokenBackend

app = FastAPI()
app.add_middleware(AuthenticationMiddleware, backend=TokenBackend())


@app.post("/predict")
async def predict(body: dict):
    return {"label": "positive"}
