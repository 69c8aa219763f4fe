from flask import Flask, jsonify

stub = Flask(__name__)


@stub.route("/classify", methods=["POST"])
def classify():
    return jsonify(label="positive")


def start() -> None:
    stub.run(host="0.0.0.0", port=5001)
