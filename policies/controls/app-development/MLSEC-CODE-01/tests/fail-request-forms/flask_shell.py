import flask

app = flask.Flask(__name__)


def run_snippet():
    snippet = flask.request.args["code"]
    # ruleid: eval-of-request-data
    exec(snippet)
