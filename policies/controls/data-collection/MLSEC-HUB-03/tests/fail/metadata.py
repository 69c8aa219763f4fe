"""Dataset files fetched by a variable repository id from functions that offer no pin."""

import os

from huggingface_hub import HfApi, hf_hub_download, hf_hub_url, snapshot_download


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


class DatasetMirror:
    def __init__(self, api):
        self._api = api

    def pull(self, repo_id, token):
        # ruleid: hub-dataset-download-unpinnable
        url = hf_hub_url(repo_id, "train.csv", repo_type="dataset")
        # ruleid: hub-dataset-download-unpinnable
        info = HfApi(token=token).hf_hub_download(repo_id, "info.json", repo_type="dataset")
        # ruleid: hub-dataset-download-unpinnable
        snap = HfApi(token=token).snapshot_download(repo_id, repo_type="dataset")
        # ruleid: hub-dataset-download-unpinnable
        return url, info, snap, self._api.hf_hub_download(repo_id, "a.json", repo_type="dataset")
