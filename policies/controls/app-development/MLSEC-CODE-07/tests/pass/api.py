from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS

app = FastAPI()
# ok: cors-any-origin-with-credentials
app.add_middleware(
    CORSMiddleware,
    allow_credentials=True,
    allow_origins=["https://reviews.example.org"],
    allow_methods=["POST"],
)

public = FastAPI()
# a public API without cookies may allow every origin
# ok: cors-any-origin-with-credentials
public.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["POST"])

admin = Flask(__name__)
# ok: cors-any-origin-with-credentials
CORS(admin, supports_credentials=True, origins=["https://admin.example.org"])
