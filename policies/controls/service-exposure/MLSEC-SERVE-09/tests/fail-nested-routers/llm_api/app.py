from fastapi import FastAPI

from .endpoints.root import api_router

app = FastAPI()
app.include_router(api_router, prefix="/api")
