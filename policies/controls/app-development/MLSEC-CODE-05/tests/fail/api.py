from fastapi import FastAPI

# ruleid: asgi-debug-mode
app = FastAPI(title="sentiment", debug=True)
