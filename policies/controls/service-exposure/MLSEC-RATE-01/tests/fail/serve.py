from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Query(BaseModel):
    text: str

# ruleid: web-api-routes
@app.get("/health")
def health():
    return {"ok": True}

# ruleid: web-api-routes
@app.post("/predict")
async def predict(query: Query):
    return {"label": "positive"}
