from fastapi import FastAPI, Request
from openai import OpenAI
from transformers import AutoModelForCausalLM, AutoTokenizer

app = FastAPI()
client = OpenAI()
tokenizer = AutoTokenizer.from_pretrained("./model")
model = AutoModelForCausalLM.from_pretrained("./model")


@app.post("/calculate")
async def calculate(request: Request):
    body = await request.json()
    # ruleid: eval-of-request-data
    return {"result": eval(body["expression"])}


@app.get("/filter")
def filter_rows(expression: str):
    # ruleid: eval-of-request-data
    return {"rows": eval(f"[r for r in ROWS if {expression}]")}


def run_generated(task):
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": task}]
    )
    code = reply.choices[0].message.content
    # ruleid: eval-of-model-output
    exec(code)


def local_model(prompt):
    ids = model.generate(**tokenizer(prompt, return_tensors="pt"), max_new_tokens=64)
    text = tokenizer.decode(ids[0], skip_special_tokens=True)
    # ruleid: eval-of-model-output
    return eval(text)
