import os

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/classify", methods=["POST"])
def classify():
    return jsonify(label=model.predict(request.get_json()["text"]))


def run(port: int = 5000, bind: str = os.environ.get("BIND_HOST", "0.0.0.0")) -> None:
    app.run(host=bind, port=port)
