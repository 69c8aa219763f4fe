from fastapi import APIRouter

from .embeddings import router as embeddings_router

router = APIRouter(tags=["models"])
router.include_router(embeddings_router)


@router.get("/")
def list_models() -> list[str]:
    return ["e5-small"]
