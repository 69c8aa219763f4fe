from fastapi import APIRouter

router = APIRouter(prefix="/v1")


@router.post("/images/generations")
async def generate(body: dict):
    return {"data": await pipeline.generate(body["prompt"])}
