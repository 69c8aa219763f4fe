import os

from huggingface_hub import login

login(token=os.environ["HF_TOKEN"])
API_KEY = "your-api-key-here"
HF_TOKEN = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
DB_URL = f"postgresql://{user}:{password}@db:5432/features"
TEMPLATE = "postgresql://user:password@localhost/db"
tokenizer_name = "bert-base-uncased-finetuned"
