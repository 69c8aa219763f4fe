from fastapi import FastAPI

from svc.gate import ROUTE_GUARDS as GUARDS

from .api import generate, rerank

app = FastAPI()
app.include_router(generate.router)
app.include_router(rerank.router, dependencies=[*GUARDS])
