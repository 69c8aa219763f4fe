from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware

app = FastAPI()


class Gatekeeper(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if request.headers.get("x-service-key") != SERVICE_KEY:
            return JSONResponse({"error": "denied"}, status_code=401)
        return await call_next(request)


SERVICE_KEY = "from-the-environment"
app.add_middleware(Gatekeeper)


@app.post("/predict")
async def predict(body: dict):
    return {"label": "positive"}
