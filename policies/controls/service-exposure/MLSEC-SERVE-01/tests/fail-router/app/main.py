from fastapi import Depends, FastAPI

from .routers import predict
from .security import verify_api_key

app = FastAPI()
app.include_router(predict.router)


@app.post("/admin/reload", dependencies=[Depends(verify_api_key)])
def reload():
    return {"ok": True}
