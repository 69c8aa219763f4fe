"""Dataset files fetched by a variable repository id from functions that offer no pin."""

import os

from huggingface_hub import HfApi, hf_hub_download, snapshot_download


def load_metadata(repo_id, class_info_file):
    fname = os.path.join(repo_id, class_info_file)
    if not os.path.isfile(fname):
        # ruleid: hub-dataset-download-unpinnable
        fname = hf_hub_download(repo_id, class_info_file, repo_type="dataset")
    return fname


def dataset_info(dataset_dir):
    if dataset_dir.startswith("REMOTE:"):
        # ruleid: hub-dataset-download-unpinnable
        return hf_hub_download(repo_id=dataset_dir[7:], filename="info.json", repo_type="dataset")
    return os.path.join(dataset_dir, "info.json")


def mirror(org, name, target):
    api = HfApi()
    # ruleid: hub-dataset-download-unpinnable
    return api.snapshot_download(f"{org}/{name}", repo_type="dataset", local_dir=target)


def fetch_all(names):
    # ruleid: hub-dataset-download-unpinnable
    return [snapshot_download(n, repo_type="dataset") for n in names]
