from fastapi import FastAPI

# ok: asgi-debug-mode
app = FastAPI(title="sentiment")


def train(trainer):
    # other libraries' run(debug=True) is not a web debugger
    # ok: flask-debug-mode
    trainer.run(debug=True)
