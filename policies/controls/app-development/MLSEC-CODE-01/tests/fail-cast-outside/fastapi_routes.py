from fastapi import FastAPI

app = FastAPI()


@app.get("/check")
def check(rule: str):
    # ruleid: eval-of-request-data
    return {"ok": bool(eval(rule, {"__builtins__": {}}))}
