"""The same frameworks with generated code kept off the host, or with narrow imports."""

from autogen import UserProxyAgent
from autogen.coding import DockerCommandLineCodeExecutor
from smolagents import CodeAgent, InferenceClientModel

model = InferenceClientModel()
# ok: agent-local-code-executor
executor = DockerCommandLineCodeExecutor(image="python:3.12-slim", work_dir="coding")
# ok: agent-local-code-executor
runner = UserProxyAgent("runner", code_execution_config={"executor": executor})
# ok: agent-local-code-executor
sandboxed = UserProxyAgent("box", code_execution_config={"use_docker": True})
# ok: agent-local-code-executor
analyst = CodeAgent(tools=[], model=model, additional_authorized_imports=["numpy", "pandas"])
# ok: agent-local-code-executor
remote = CodeAgent(
    tools=[], model=model, additional_authorized_imports=["*"], executor_type="e2b"
)
