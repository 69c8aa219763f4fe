from starlette.requests import Request


def compile_filter(request: Request):
    # ruleid: eval-of-request-data
    return compile(request.query_params["where"], "<filter>", "eval")


def column(request: Request):
    # ruleid: eval-of-request-data
    return eval(request.path_params["column"])
