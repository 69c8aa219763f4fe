from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini")


def count(question):
    answer = llm.invoke(question).content
    # ruleid: eval-of-model-output
    return len(eval(answer))
