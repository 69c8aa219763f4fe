import ollama


def run(task):
    reply = ollama.chat(model="qwen2.5-coder", messages=[{"role": "user", "content": task}])
    # ruleid: eval-of-model-output
    exec(reply["message"]["content"])
