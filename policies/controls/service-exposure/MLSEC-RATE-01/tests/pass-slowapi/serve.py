from fastapi import FastAPI, Request
# ruleid: app-rate-limiter
from slowapi import Limiter
# ruleid: app-rate-limiter
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
app = FastAPI()
app.state.limiter = limiter

@app.post("/predict")
@limiter.limit("30/minute")
async def predict(request: Request):
    return {"label": "positive"}
