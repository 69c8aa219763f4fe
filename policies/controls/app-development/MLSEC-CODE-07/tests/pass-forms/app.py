from fastapi import FastAPI
from flask import Flask
from flask_cors import CORS

from audit import AuditMiddleware, LoggingCORSMiddleware

api = FastAPI()
# our own middleware takes the same keywords to label its log lines; it does not answer CORS
# ok: cors-any-origin-with-credentials
api.add_middleware(AuditMiddleware, allow_origins=["*"], allow_credentials=True)
# a logger whose name only ends like the CORS middleware's; it answers no CORS request either
# ok: cors-any-origin-with-credentials
api.add_middleware(LoggingCORSMiddleware, allow_origins=["*"], allow_credentials=True)

admin = Flask(__name__)
# ok: cors-any-origin-with-credentials
CORS(admin, resources={r"/api/*": {"origins": "https://admin.example.org"}}, supports_credentials=True)
