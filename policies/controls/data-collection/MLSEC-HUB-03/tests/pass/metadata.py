"""Dataset files fetched with a pin, or by functions that let the caller pin them."""

from huggingface_hub import hf_hub_download, snapshot_download

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def load_metadata(repo_id, class_info_file, revision=None):
    # ok: hub-dataset-download-unpinnable
    return hf_hub_download(repo_id, class_info_file, repo_type="dataset", revision=revision)


def mirror(repo_id, target, **options):
    # ok: hub-dataset-download-unpinnable
    return snapshot_download(repo_id, repo_type="dataset", local_dir=target, **options)


def cached(repo_id):
    # ok: hub-dataset-download-unpinnable
    return snapshot_download(repo_id, repo_type="dataset", local_files_only=True)


def pinned(repo_id):
    # ok: hub-dataset-download-unpinnable
    return snapshot_download(repo_id=repo_id, repo_type="dataset", revision=COMMIT)


def model_files(repo_id):
    # a model repository: MLSEC-HUB-02
    # ok: hub-dataset-download-unpinnable
    return hf_hub_download(repo_id, "config.json")
