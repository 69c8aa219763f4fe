import uvicorn
from fastapi import Depends, FastAPI

from service.routers import v1
from service.security import require_api_key

app = FastAPI()
app.include_router(v1.router, dependencies=[Depends(require_api_key)])

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8080)
