from fastapi import FastAPI

stub = FastAPI()


@stub.post("/v1/chat/completions")
async def fake_completion(body: dict):
    return {"choices": [{"message": {"content": "stubbed"}}]}
