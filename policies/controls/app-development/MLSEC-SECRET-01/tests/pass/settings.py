"""Settings that name secrets, point at them or stand in for them, without holding one."""

import os
from dataclasses import dataclass

TOKEN_STORE_KEY = "_app_previous_refresh_token"
REFRESH_TOKEN_KEY = "session_refresh_token"
API_KEY_ENV = "OPENAI_API_KEY"
HF_TOKEN = os.getenv("HF_TOKEN", "")
password = os.environ.get("DB_PASSWORD", "changeme")
pad_token = "<pad>"
eos_token = "</s>"
special = {"bos_token": "[BOS]", "mask_token": "<mask>"}
token = "hello"
auth_header = f"Bearer {HF_TOKEN}"
secret_template = "{secret}"
SAMPLE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
DOC_URL = "postgresql://user:password@localhost/db"
WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
MLFLOW_TRACKING_PASSWORD = EnvironmentVariable("MLFLOW_TRACKING_PASSWORD", str, None)
analytics.api_key = "phc_Qm7vXk2pLz9wR4tY8uI1oP3aZx5cV6bN0mL2kJ4hG"
STRIPE_PUBLISHABLE_KEY = "pk_live_51Qm7vXk2pLz9wR4tY8uI1oP3aZx5cV6bN0"


@dataclass
class Client:
    api_key: str | None = None
    token_path: str = "~/.cache/huggingface/token"


def build(api_key: str = "test-api-key-12345") -> Client:
    return Client(api_key=api_key)
