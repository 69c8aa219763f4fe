import pandas
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini")


def run(frame, question):
    expression = llm.invoke(question).content
    # ruleid: eval-of-model-output
    return pandas.eval(expression, local_dict={"df": frame})
