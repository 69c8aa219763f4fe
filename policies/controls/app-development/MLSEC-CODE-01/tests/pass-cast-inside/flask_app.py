from flask import Flask, request

app = Flask(__name__)


@app.post("/score")
def score():
    # ok: eval-of-request-data
    return {"score": int(eval("%d * 2" % int(request.form["n"])))}
