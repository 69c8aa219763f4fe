from fastapi import APIRouter

scoring = APIRouter()


@scoring.post("/score")
async def score(payload: dict) -> dict:
    return {"label": classifier.predict([payload["text"]])[0]}
