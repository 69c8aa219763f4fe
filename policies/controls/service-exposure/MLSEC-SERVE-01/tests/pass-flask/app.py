from flask import Flask, jsonify, request
from flask_login import login_required

app = Flask(__name__)


@app.route("/predict", methods=["POST"])
@login_required
def predict():
    return jsonify({"label": "positive", "chars": len(request.json["text"])})


@app.route("/login", methods=["POST"])
def login():
    return jsonify({"ok": True})
