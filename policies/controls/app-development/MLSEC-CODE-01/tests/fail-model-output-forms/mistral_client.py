from mistralai import Mistral

client = Mistral(api_key="unused")


def run(messages):
    reply = client.chat.complete(model="codestral-latest", messages=messages)
    # ruleid: eval-of-model-output
    return compile(reply.choices[0].message.content, "<mistral>", "exec")
