"""An agent whose model output and tool arguments reach a shell."""

import asyncio
import os

from langchain_core.tools import tool


def fix_the_build(llm, log):
    suggestion = llm.invoke(f"Which command fixes this build?\n{log}").content
    os.system(suggestion)


@tool
def disk_usage(folder: str) -> str:
    """Report how much space a folder takes."""
    return os.popen("du -sh " + folder).read()


async def run_generated(client, task):
    answer = client.chat.completions.create(model="m", messages=[{"role": "user", "content": task}])
    script = answer.choices[0].message.content
    process = await asyncio.create_subprocess_shell(script)
    return await process.wait()
