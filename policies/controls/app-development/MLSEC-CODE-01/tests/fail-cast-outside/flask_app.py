from flask import Flask, request

app = Flask(__name__)


@app.post("/score")
def score():
    expression = request.form["expression"]
    # ruleid: eval-of-request-data
    return {"score": int(eval(expression))}
