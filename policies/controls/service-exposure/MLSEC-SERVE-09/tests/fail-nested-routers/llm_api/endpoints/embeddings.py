from fastapi import APIRouter

router = APIRouter()


@router.post("/{name}/embed")
def embed(name: str, texts: list[str]) -> list[list[float]]:
    return encoder(name).encode(texts).tolist()
