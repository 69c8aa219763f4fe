from openai import OpenAI

client = OpenAI()
FORMULAS = {"int": "{n} * 10", "float": "round({n}, 2)", "bool": "not {n}", "len": "{n} // 4"}


def score_int(question):
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[question])
    n = int(reply.choices[0].message.content)
    # ok: eval-of-model-output
    return eval(FORMULAS["int"].format(n=n))


def score_float(question):
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[question])
    n = float(reply.choices[0].message.content)
    # ok: eval-of-model-output
    return eval(FORMULAS["float"].format(n=n))


def score_bool(question):
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[question])
    n = bool(reply.choices[0].message.content)
    # ok: eval-of-model-output
    return eval(FORMULAS["bool"].format(n=n))


def score_len(question):
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[question])
    n = len(reply.choices[0].message.content)
    # ok: eval-of-model-output
    return eval(FORMULAS["len"].format(n=n))
