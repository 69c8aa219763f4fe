from fastapi import APIRouter

from .. import gate

router = APIRouter(prefix="/v1", dependencies=list(gate.ROUTE_GUARDS))


@router.post("/generate")
async def generate(body: dict):
    return {"text": ""}
