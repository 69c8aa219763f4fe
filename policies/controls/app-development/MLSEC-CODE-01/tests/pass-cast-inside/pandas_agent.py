import pandas as pd
from openai import OpenAI

client = OpenAI()


def column_total(frame: pd.DataFrame, question: str) -> float:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[question])
    factor = float(reply.choices[0].message.content)
    # ok: eval-of-model-output
    return float(pd.eval("df.price * %f" % factor, local_dict={"df": frame}).sum())
