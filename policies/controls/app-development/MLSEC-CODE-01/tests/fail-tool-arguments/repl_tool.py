"""An agent tool: the model writes the argument."""

import ast

from langchain_core.tools import BaseTool


class NotebookTool(BaseTool):
    name: str = "notebook"
    description: str = "run python"

    def _run(self, snippet: str) -> str:
        tree = ast.parse(snippet)
        body = ast.Module(tree.body[:-1], type_ignores=[])
        exec(ast.unparse(body), {})
        return str(eval(ast.unparse(tree.body[-1]), {}))

    async def _arun(self, snippet: str) -> str:
        return str(eval(snippet))
