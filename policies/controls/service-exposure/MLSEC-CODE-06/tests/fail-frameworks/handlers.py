import json
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler

import tornado.web
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from flask import Blueprint

app = FastAPI()
bp = Blueprint("api", __name__)


class PredictHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        try:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            result = model.predict(json.loads(body))
        except Exception as e:
            self.send_response(500)
            self.end_headers()
            # ruleid: exception-text-in-server-error
            self.wfile.write(json.dumps({"error": str(e)}).encode())
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(json.dumps(result).encode())


class GenerateHandler(tornado.web.RequestHandler):
    def post(self):
        try:
            self.write(model.generate(self.request.body))
        except RuntimeError:
            self.set_status(500)
            # ruleid: traceback-returned-to-client
            self.write({"error": traceback.format_exc()})


@app.exception_handler(Exception)
async def unhandled(request, exc):
    # ruleid: exception-text-in-error-handler
    return JSONResponse(status_code=500, content={"detail": repr(exc)})


@bp.errorhandler(500)
def internal_error(error):
    # ruleid: exception-text-in-error-handler
    return {"error": f"internal error: {error}"}, 500


def server_error(exc: Exception) -> JSONResponse:
    # ruleid: exception-text-in-error-handler
    return JSONResponse({"message": str(exc)}, status_code=HTTPStatus.INTERNAL_SERVER_ERROR)


@app.post("/embed")
async def embed(payload: dict):
    try:
        return await model.embed(payload)
    except Exception as e:
        failure = {"content": {"error": str(e)}, "status_code": 500}
        # ruleid: exception-text-in-server-error
        return JSONResponse(**failure)


class StatusHandler(tornado.web.RequestHandler):
    def get(self):
        try:
            self.write(model.status())
        except Exception as e:
            # ruleid: exception-text-in-server-error
            self.write({"error": str(e)})
