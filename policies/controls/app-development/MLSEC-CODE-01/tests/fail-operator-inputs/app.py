import flask

app = flask.Flask(__name__)
TEMPLATES = {"square": "{n} ** 2", "half": "{n} / 2", "flag": "not {n}"}


@app.cli.command("evaluate")
def evaluate(expression):
    # an operator's own command line, not a request: not certain, but still a string run as
    # code whose origin this file does not show (the heuristic check reports it)
    # ok: eval-of-request-data
    print(eval(expression))


@app.get("/square")
def square():
    n = int(flask.request.args["n"])
    # ok: eval-of-request-data
    return {"value": eval(TEMPLATES["square"].format(n=n))}


@app.get("/half")
def half():
    n = float(flask.request.args["n"])
    # ok: eval-of-request-data
    return {"value": eval(TEMPLATES["half"].format(n=n))}


@app.get("/flag")
def flag():
    n = bool(flask.request.args.get("n"))
    # ok: eval-of-request-data
    return {"value": eval(TEMPLATES["flag"].format(n=n))}
