from fastapi import APIRouter

router = APIRouter(prefix="/v1")


@router.post("/chat/completions")
async def completions(body: dict):
    return {"choices": []}
