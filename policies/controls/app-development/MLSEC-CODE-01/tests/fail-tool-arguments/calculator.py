"""A function tool and a query engine that runs what the model answered."""

from langchain.tools import tool


@tool
def calculator(expression: str) -> str:
    """Compute an arithmetic expression."""
    return str(eval(expression))


class FrameQueryEngine:
    def __init__(self, llm, frame):
        self.llm = llm
        self.frame = frame

    def query(self, question):
        instructions = self.llm.predict(f"pandas code answering: {question}")
        return eval(instructions.strip(), {"df": self.frame})
