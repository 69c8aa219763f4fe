import argparse

import uvicorn
from fastapi import FastAPI

from ranker.public import router as public_router

app = FastAPI()
app.include_router(public_router)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="0.0.0.0")
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=7000)
