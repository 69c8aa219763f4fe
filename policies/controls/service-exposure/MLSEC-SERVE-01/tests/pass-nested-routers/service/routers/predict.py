from fastapi import APIRouter

router = APIRouter()


@router.post("/predict")
def predict(features: list[float]) -> dict[str, float]:
    return {"score": float(model.predict([features])[0])}
