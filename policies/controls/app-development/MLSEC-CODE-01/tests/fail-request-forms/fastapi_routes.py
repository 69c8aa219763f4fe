from fastapi import FastAPI

api = FastAPI()


@api.get("/apply")
async def apply(expression: str):
    # ruleid: eval-of-request-data
    return {"value": eval(expression)}
