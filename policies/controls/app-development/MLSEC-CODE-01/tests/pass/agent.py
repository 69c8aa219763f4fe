import ast
import json

from fastapi import FastAPI, Request
from openai import OpenAI

app = FastAPI()
client = OpenAI()
OPERATIONS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b}


@app.post("/calculate")
async def calculate(request: Request):
    body = await request.json()
    operation = OPERATIONS[body["op"]]
    # ok: eval-of-request-data, eval-of-model-output
    return {"result": operation(float(body["a"]), float(body["b"]))}


def parse_reply(task):
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": task}]
    )
    content = reply.choices[0].message.content
    # ok: eval-of-request-data, eval-of-model-output
    return ast.literal_eval(content), json.loads(content)


def constant():
    # ok: eval-of-request-data, eval-of-model-output
    return eval("1 + 1")


@app.get("/size")
def size(text: str):
    # ok: eval-of-request-data, eval-of-model-output
    return eval(str(len(text)))
