import os

from huggingface_hub import hf_hub_download
from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

BASE = "example-org/review-sentiment"
COMMIT = "4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b"

# ok: hub-model-unpinned
tokenizer = AutoTokenizer.from_pretrained(BASE, revision=COMMIT)
# ok: hub-model-unpinned
model = AutoModelForSequenceClassification.from_pretrained(
    "example-org/review-sentiment", revision="4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b"
)
# ok: hub-model-unpinned
weights = hf_hub_download("example-org/review-sentiment", "model.safetensors", revision=COMMIT)

# local folders are not hub ids
# ok: hub-model-unpinned
finetuned = AutoModelForSequenceClassification.from_pretrained("./artifacts/review-sentiment")
# ok: hub-model-unpinned
resumed = AutoModelForSequenceClassification.from_pretrained("output/checkpoint-500")
# ok: hub-model-unpinned
served = AutoModelForSequenceClassification.from_pretrained(os.path.join("/models", "sentiment"))
# ok: hub-model-unpinned
offline = AutoTokenizer.from_pretrained(BASE, local_files_only=True)


def load(name, revision):
    # the revision comes from configuration: its value is not known here
    # ok: hub-model-unpinned
    return AutoModelForSequenceClassification.from_pretrained(name, revision=revision)


# the default model of a task is pinned by transformers itself
# ok: hub-model-unpinned
default = pipeline("sentiment-analysis")


def frontend(version):
    from pathlib import Path

    from huggingface_hub import snapshot_download

    # a dataset download (MLSEC-HUB-03), nested in another call
    # ok: hub-model-unpinned
    return Path(snapshot_download(repo_id="gradio/frontend", allow_patterns=f"{version}/**", repo_type="dataset"))


def safety_checker():
    # offline for good: only what is already in storage you control is read
    # ok: hub-model-unpinned
    return AutoModelForSequenceClassification.from_pretrained("example-org/safety-checker", local_files_only=True)


# an abbreviated commit hash is a commit too
# ok: hub-model-unpinned
abbreviated = AutoModelForSequenceClassification.from_pretrained(BASE, revision="4f3c2a1")

# placeholders of a tutorial stand for the reader's own repository
# ok: hub-model-unpinned
mine = AutoModelForSequenceClassification.from_pretrained("username/my_awesome_review_model")
# ok: hub-model-unpinned
pushed = pipeline("text-classification", model="YOUR_ACCOUNT_NAME/review-sentiment-finetuned")
# ok: hub-model-unpinned
namespaced = AutoTokenizer.from_pretrained("your-namespace/review-sentiment")


def train_and_reload(model):
    from pathlib import Path

    # a folder this code creates and saves into: local, even with a hub-like name
    language = "is"
    model_dir = "distilbert-base-uncased" + f"-retrained-{language}"
    Path(model_dir).mkdir(parents=True, exist_ok=True)
    model.save_pretrained(f"{model_dir}")
    # ok: hub-model-unpinned
    return AutoTokenizer.from_pretrained(f"{model_dir}")


def save_and_reload(model):
    output = "bert-base-uncased-sentiment"
    os.makedirs(output, exist_ok=True)
    model.save_pretrained(output)
    # ok: hub-model-unpinned
    return AutoModelForSequenceClassification.from_pretrained(output)


def pinned_adapter(base):
    from peft import PeftModel

    # ok: hub-model-unpinned
    return PeftModel.from_pretrained(
        base, "example-org/review-sentiment-lora", revision="4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    )


def local_adapter(base):
    from peft import PeftModel

    # ok: hub-model-unpinned
    return PeftModel.from_pretrained(base, "outputs/review-sentiment-lora")
