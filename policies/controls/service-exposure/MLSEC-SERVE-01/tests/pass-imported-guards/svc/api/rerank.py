from fastapi import APIRouter

router = APIRouter()


@router.post("/rerank")
async def rerank(body: dict):
    return {"results": []}
