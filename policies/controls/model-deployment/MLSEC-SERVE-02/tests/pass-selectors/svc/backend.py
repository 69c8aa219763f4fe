import base64

ENCODERS = {"default": None}


def pick(name):
    encoder = ENCODERS.get(name)
    if encoder is None:
        raise ValueError(f"unknown model {name!r}")
    return encoder


def package(vectors, model_name, fmt):
    if fmt == "base64":
        vectors = [base64.b64encode(bytes(v)).decode() for v in vectors]
    elif fmt not in ("float",):
        raise ValueError(f"unsupported encoding {fmt}")
    return {"object": "list", "data": vectors, "model": model_name}
