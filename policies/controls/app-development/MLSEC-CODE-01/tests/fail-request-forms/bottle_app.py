import bottle


def calculate(req):
    # ruleid: eval-of-request-data
    return {"result": eval(req.POST["expression"])}
