from langchain_community.llms import Ollama

llm = Ollama(model="codellama")


def run(prompt):
    code = llm.invoke(prompt)
    # ruleid: eval-of-model-output
    exec(code)
