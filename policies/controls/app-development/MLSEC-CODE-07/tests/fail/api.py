from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS

app = FastAPI()
# ruleid: cors-any-origin-with-credentials
app.add_middleware(
    CORSMiddleware,
    allow_credentials=True,
    allow_origins=["*"],
    allow_methods=["*"],
)

admin = Flask(__name__)
# ruleid: cors-any-origin-with-credentials
CORS(admin, supports_credentials=True)
