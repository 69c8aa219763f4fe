from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS, cross_origin
from starlette.applications import Starlette
from starlette.middleware import Middleware

ORIGIN_PATTERN = ".*"

# ruleid: cors-any-origin-with-credentials
middleware = [Middleware(CORSMiddleware, allow_origins=("*",), allow_credentials=True)]
site = Starlette(middleware=middleware)

gateway = FastAPI()
# ruleid: cors-any-origin-with-credentials
gateway.add_middleware(CORSMiddleware, allow_origins="*", allow_credentials=True)

console = FastAPI()
# ruleid: cors-any-origin-with-credentials
console.add_middleware(CORSMiddleware, allow_origin_regex=ORIGIN_PATTERN, allow_credentials=True)

admin = Flask(__name__)
# ruleid: cors-any-origin-with-credentials
CORS(admin, origins="*", supports_credentials=True)


@admin.get("/me")
# ruleid: cors-any-origin-with-credentials
@cross_origin(supports_credentials=True)
def me():
    return {"user": "me"}


@admin.get("/settings")
# ruleid: cors-any-origin-with-credentials
@cross_origin(origins=["*"], supports_credentials=True)
def settings():
    return {}
