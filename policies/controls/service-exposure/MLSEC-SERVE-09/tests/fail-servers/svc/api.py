from fastapi import APIRouter, FastAPI

router = APIRouter()


@router.post("/v1/chat/completions")
async def chat(body: dict):
    return await engine.chat(body)


app = FastAPI()
app.include_router(router)
