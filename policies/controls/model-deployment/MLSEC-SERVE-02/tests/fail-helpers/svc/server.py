from fastapi import FastAPI

from . import prompting
from .engine import engine
from .schemas import CompletionRequest

app = FastAPI()


class Runner:
    def __init__(self, backend):
        self.backend = backend

    def run(self, text, options):
        return self.backend.generate(text, **options)


runner = Runner(engine)


@app.post("/v1/completions")
async def completions(request: CompletionRequest):
    text = prompting.render(request.messages, system=request.system)
    options = prompting.sampling(request)
    first = runner.run(text, options)
    return {"choices": [first, engine.generate(request.prompt)]}
