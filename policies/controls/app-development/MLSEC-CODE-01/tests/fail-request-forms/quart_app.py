import builtins

from quart import Quart

app = Quart(__name__)


async def run_form(req):
    form = await req.form()
    # ruleid: eval-of-request-data
    return builtins.eval(form["expression"])
