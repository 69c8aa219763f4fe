import builtins

from sanic import Sanic

app = Sanic("scoring")


def run_body(req):
    # ruleid: eval-of-request-data
    builtins.exec(req.body)
