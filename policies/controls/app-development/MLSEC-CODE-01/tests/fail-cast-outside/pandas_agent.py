import pandas as pd
from openai import OpenAI

client = OpenAI()


def column_total(frame: pd.DataFrame, question: str) -> float:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[question])
    expression = reply.choices[0].message.content
    # ruleid: eval-of-model-output
    return float(pd.eval(expression, local_dict={"df": frame}).sum())
