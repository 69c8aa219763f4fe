from openai import OpenAI

client = OpenAI()


def estimate(question):
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[question])
    # ruleid: eval-of-model-output
    return float(eval(reply.choices[0].message.content))
