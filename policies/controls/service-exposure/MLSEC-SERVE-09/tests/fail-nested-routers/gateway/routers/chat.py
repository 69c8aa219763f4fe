from fastapi import APIRouter

router = APIRouter(prefix="/chat")


@router.post("/completions")
async def completions(body: dict):
    return await engine.complete(body["messages"])
