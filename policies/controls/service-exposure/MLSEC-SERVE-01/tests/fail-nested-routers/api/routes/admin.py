from fastapi import APIRouter

admin = APIRouter(prefix="/admin")


@admin.post("/reload")
async def reload_model() -> dict:
    return {"reloaded": True}
