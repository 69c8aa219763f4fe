from fastapi import APIRouter

from ranker import scoring

router = APIRouter()
router.include_router(scoring.router)
