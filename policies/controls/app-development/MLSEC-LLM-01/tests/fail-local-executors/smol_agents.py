"""smolagents code agents that may import anything on the host."""

import smolagents
from smolagents import CodeAgent, InferenceClientModel
from smolagents.local_python_executor import LocalPythonExecutor

model = InferenceClientModel()
# ruleid: agent-local-code-executor
analyst = CodeAgent(tools=[], model=model, additional_authorized_imports=["*"])
# ruleid: agent-local-code-executor
helper = smolagents.CodeAgent(
    tools=[], model=model, additional_authorized_imports=["pandas", "subprocess"]
)
# ruleid: agent-local-code-executor
interpreter = LocalPythonExecutor(additional_authorized_imports=["os.path", "numpy"])
