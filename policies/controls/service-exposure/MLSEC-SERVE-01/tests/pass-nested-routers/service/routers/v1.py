from fastapi import APIRouter

from . import predict

router = APIRouter(prefix="/v1")
router.include_router(predict.router)
