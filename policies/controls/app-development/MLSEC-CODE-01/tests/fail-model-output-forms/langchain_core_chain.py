import builtins

from langchain_core.prompts import ChatPromptTemplate

PROMPT = ChatPromptTemplate.from_template("Write Python for: {task}")


async def run(chain, task):
    answer = await chain.ainvoke({"task": task})
    # ruleid: eval-of-model-output
    builtins.exec(answer.content)
