import langchain


def run(llm, prompt):
    answer = llm.invoke(prompt)
    # ruleid: eval-of-model-output
    return compile(answer.content, "<llm>", "exec")
