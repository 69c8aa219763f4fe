from flask import Flask, jsonify, request
import uvicorn

app = Flask(__name__)


@app.post("/predict")
def predict():
    return jsonify({"label": "positive", "text": request.json["text"]})


def serve_api():
    # ruleid: uvicorn-reload
    uvicorn.run("serving.api:app", host="0.0.0.0", port=8000, reload=True)


if __name__ == "__main__":
    # ruleid: flask-debug-mode
    app.run(host="0.0.0.0", port=5000, debug=True)
