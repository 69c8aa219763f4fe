from fastapi import APIRouter

from ranker import public

router = APIRouter(prefix="/score")
router.include_router(public.router)  # a cycle: the analyzer must still end


@router.post("/rerank")
def rerank(query: str, documents: list[str]) -> list[int]:
    return model.rank(query, documents)
