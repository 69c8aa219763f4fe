from fastapi import APIRouter

from . import chat, health

router = APIRouter(prefix="/v1")
router.include_router(chat.router)
router.include_router(health.router)
