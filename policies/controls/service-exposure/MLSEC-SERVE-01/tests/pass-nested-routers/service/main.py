from fastapi import Depends, FastAPI

from service.routers import v1
from service.security import require_api_key

app = FastAPI()
app.include_router(v1.router, dependencies=[Depends(require_api_key)])
