from llama_index.llms.openai import OpenAI

llm = OpenAI(model="gpt-4o-mini")


def run(prompt):
    response = llm.complete(prompt)
    # ruleid: eval-of-model-output
    exec(response.text)
