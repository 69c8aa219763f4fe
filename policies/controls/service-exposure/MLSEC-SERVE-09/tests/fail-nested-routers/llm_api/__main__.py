import os

import uvicorn

uvicorn.run("llm_api.app:app", host=os.getenv("API_HOST", "0.0.0.0"), port=8000)
