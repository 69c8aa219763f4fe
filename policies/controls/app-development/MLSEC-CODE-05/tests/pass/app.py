import os

from flask import Flask, jsonify, request
import uvicorn

app = Flask(__name__)


@app.post("/predict")
def predict():
    return jsonify({"label": "positive", "text": request.json["text"]})


def serve_api():
    # ok: uvicorn-reload
    uvicorn.run("serving.api:app", host="0.0.0.0", port=8000, workers=2)


if __name__ == "__main__":
    # ok: flask-debug-mode
    app.run(host="127.0.0.1", port=5000, debug=os.environ.get("APP_DEBUG") == "1")
