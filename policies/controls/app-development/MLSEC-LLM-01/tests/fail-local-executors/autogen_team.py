"""An AutoGen team whose generated scripts run where the application runs."""

from pathlib import Path

from autogen import AssistantAgent, UserProxyAgent
from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor

WORK = Path("coding")

# ruleid: agent-local-code-executor
executor = LocalCommandLineCodeExecutor(work_dir=WORK, timeout=60)

assistant = AssistantAgent("analyst", llm_config={"model": "gpt-4o"})
# ruleid: agent-local-code-executor
runner = UserProxyAgent(
    "runner",
    human_input_mode="NEVER",
    code_execution_config={"work_dir": "coding", "use_docker": False},
)
