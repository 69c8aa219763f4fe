import json
import logging
import uuid
from http.server import BaseHTTPRequestHandler

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

app = FastAPI()
log = logging.getLogger(__name__)


class PredictHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        try:
            result = model.predict(json.loads(self.rfile.read(1024)))
        except Exception as e:
            log.exception("prediction failed: %s", e)
            self.send_response(500)
            self.end_headers()
            # ok: exception-text-in-server-error
            self.wfile.write(b'{"error": "internal error"}')
            return
        self.wfile.write(json.dumps(result).encode())


@app.exception_handler(Exception)
async def unhandled(request, exc):
    request_id = uuid.uuid4().hex
    log.error("unhandled error %s: %s", request_id, exc)
    # ok: exception-text-in-error-handler
    return JSONResponse(status_code=500, content={"error": "internal error", "id": request_id})


@app.exception_handler(RequestValidationError)
async def invalid_request(request, exc: RequestValidationError):
    # the client's own mistake, described by the validator
    # ok: exception-text-in-error-handler
    return JSONResponse(status_code=422, content={"detail": str(exc)})


def bad_request(exc: ValueError) -> JSONResponse:
    # ok: exception-text-in-error-handler
    return JSONResponse({"message": str(exc)}, status_code=400)
