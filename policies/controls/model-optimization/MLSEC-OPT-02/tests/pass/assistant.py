import mlflow
from openai import OpenAI

# ok: model-api-plaintext
client = OpenAI(base_url="https://llm.example-vendor.com/v1")
# a model server inside the cluster
# ok: model-api-plaintext
local = OpenAI(base_url="http://vllm.inference.svc.cluster.local:8000/v1")
# ok: model-api-plaintext
ollama = OpenAI(base_url="http://localhost:11434/v1")
# ok: model-api-plaintext
mlflow.set_tracking_uri("https://mlflow.example.org")

import os

# a forward proxy is not a model API
# ok: model-api-plaintext
os.environ["HTTP_PROXY"] = "http://proxy.example.org:3128"
