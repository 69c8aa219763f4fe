import uvicorn
from fastapi import FastAPI

from gateway.routers import v1

app = FastAPI(title="gateway")
app.include_router(v1.router)

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8080)
