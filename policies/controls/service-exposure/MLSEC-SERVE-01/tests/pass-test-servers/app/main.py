from fastapi import Depends, FastAPI

from .routers import predict
from .security import verify_api_key

app = FastAPI()
app.include_router(predict.router, dependencies=[Depends(verify_api_key)])
