"""Downloads that are pinned, pinnable by the caller, local, or not from the hub."""

import os

from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from modelscope import snapshot_download as modelscope_download
from transformers import AutoModel

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def load_labels(repo_id, labels_file, revision=None):
    # ok: hub-download-unpinnable
    return hf_hub_download(repo_id, labels_file, revision=revision)


def save_artifacts(repo_id, folder, **options):
    # ok: hub-download-unpinnable
    return snapshot_download(repo_id=repo_id, local_dir=folder, **options)


def cached(repo_id):
    # ok: hub-download-unpinnable
    return snapshot_download(repo_id, local_files_only=True)


def pinned(repo_id):
    # ok: hub-download-unpinnable
    return HfApi().hf_hub_download(repo_id, "config.json", revision=COMMIT)


def literal():
    # ok: hub-download-unpinnable
    return hf_hub_download("acme/labels", "labels.json", revision=COMMIT)


def from_modelscope(model_id):
    # ok: hub-download-unpinnable
    return modelscope_download(model_id)


def load_model(model_path):
    # a local folder or a hub id: ambiguous, not reported
    # ok: hub-download-unpinnable
    return AutoModel.from_pretrained(model_path)


# a script's own download at module level
repo = os.environ.get("MODEL_REPO", "")
# ok: hub-download-unpinnable
folder = snapshot_download(repo)


def placeholder_ids():
    # literal ids are the literal checks' (which leave documentation placeholders alone)
    # ok: hub-download-unpinnable
    first = hf_hub_download("username/model", "config.json")
    # ok: hub-download-unpinnable
    return first, snapshot_download(repo_id="your-org/model")


def with_settings(repo_id, settings):
    options = settings.download_options()
    # ok: hub-download-unpinnable
    return snapshot_download(repo_id, **options)


def other_kinds(repo_id):
    # datasets are MLSEC-HUB-03's; a space is not a model
    # ok: hub-download-unpinnable
    data = snapshot_download(repo_id, repo_type="dataset")
    # ok: hub-download-unpinnable
    return data, snapshot_download(repo_id, repo_type="space")


def other_client(model_id, client):
    # ok: hub-download-unpinnable
    return client.snapshot_download(model_id)


def copy_license(model_name, license_file, folder):
    # a licence text copied beside a saved model for people to read
    # ok: hub-download-unpinnable
    text = hf_hub_download(repo_id=model_name, filename=license_file)
    # ok: hub-download-unpinnable
    return text, hf_hub_download(model_name, "README.md", local_dir=folder)


def copy_notices(model_name, notice_file, license_name):
    # ok: hub-download-unpinnable
    first = hf_hub_download(repo_id=model_name, filename="LICENSE")
    # ok: hub-download-unpinnable
    return first, hf_hub_download(model_name, license_name)
