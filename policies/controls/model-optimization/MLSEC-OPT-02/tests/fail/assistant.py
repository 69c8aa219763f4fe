import mlflow
from openai import OpenAI

# ruleid: model-api-plaintext
client = OpenAI(base_url="http://llm.example-vendor.com/v1", api_key="unused")
# ruleid: model-api-plaintext
mlflow.set_tracking_uri("http://mlflow.example.org:5000")

import os

# ruleid: model-api-plaintext
os.environ["MLFLOW_TRACKING_URI"] = "http://mlflow.example.org:5000"
