"""Hub-only downloads of a repository that is a variable, from functions that offer no pin."""

import os

import huggingface_hub as hub
from huggingface_hub import HfApi, hf_hub_download, hf_hub_url
from huggingface_hub import snapshot_download as fetch_snapshot


def load_labels(repo_id, labels_file):
    path = os.path.join(repo_id, labels_file)
    if not os.path.isfile(path):
        # ruleid: hub-download-unpinnable
        path = hf_hub_download(repo_id, labels_file)
    return path


def save_artifacts(artifacts, folder):
    saved = {}
    for name, uri in artifacts.items():
        if uri.startswith("hf:/"):
            repo_id = uri[len("hf:/") :]
            # ruleid: hub-download-unpinnable
            saved[name] = fetch_snapshot(repo_id=repo_id, local_dir=os.path.join(folder, name))
    return saved


def weights_url(org, name, filename="model.safetensors"):
    # ruleid: hub-download-unpinnable
    return hf_hub_url(f"{org}/{name}", filename)


def fetch_with_client(repo, token=None):
    api = HfApi(token=token)
    # ruleid: hub-download-unpinnable
    return api.hf_hub_download(repo_id=repo, filename="config.json")


def mirror(model_id, target):
    # ruleid: hub-download-unpinnable
    return hub.snapshot_download(model_id, local_dir=target, local_files_only=False)


class Mirror:
    def __init__(self, api):
        self.api = api

    def pull(self, repo_id, token):
        # ruleid: hub-download-unpinnable
        first = HfApi(token=token).hf_hub_download(repo_id, "config.json")
        # ruleid: hub-download-unpinnable
        second = HfApi(token=token).snapshot_download(repo_id)
        # ruleid: hub-download-unpinnable
        return first, second, self.api.snapshot_download(repo_id)


def from_command_line(args):
    # ruleid: hub-download-unpinnable
    return hf_hub_download(args.repo, "weights.bin")
