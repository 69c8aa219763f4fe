import os

from huggingface_hub import login
from openai import OpenAI

login(token="hf_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL")
client = OpenAI(api_key="sk-proj-8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7Dxt")
DB_URL = "postgresql://trainer:Vq7#pLm2xZ9w@db.internal:5432/features"
ADMIN_PASSWORD = "Tr0ub4dor&3x!q"
data_dir = os.environ["DATA_DIR"]
