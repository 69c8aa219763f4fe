from groq import Groq

client = Groq()


def run(messages):
    reply = client.chat.completions.create(model="llama3", messages=messages)
    # ruleid: eval-of-model-output
    exec(reply.choices[0].message.content)
