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


def dropped(repo_id, revision=None):
    # the function offers a revision (dropping it is MLSEC-HUB-02 hub-revision-dropped's)
    # ok: hub-dataset-download-unpinnable
    return hf_hub_download(repo_id, "info.json", repo_type="dataset")


def with_options(repo_id, **options):
    # ok: hub-dataset-download-unpinnable
    return snapshot_download(repo_id, repo_type="dataset")


def local_names():
    # literal ids are hub-dataset-unpinned's (which leaves local folder names alone)
    # ok: hub-dataset-download-unpinnable
    first = hf_hub_download("data/cache", "info.json", repo_type="dataset")
    # ok: hub-dataset-download-unpinnable
    return first, snapshot_download(repo_id="data/cache", repo_type="dataset")


def with_settings(repo_id, settings):
    options = settings.download_options()
    # ok: hub-dataset-download-unpinnable
    return snapshot_download(repo_id, repo_type="dataset", **options)


def other_client(repo_id, hub_client):
    # ok: hub-dataset-download-unpinnable
    return hub_client.snapshot_download(repo_id, repo_type="dataset")


# a script's own download at module level
name = input("dataset: ")
# ok: hub-dataset-download-unpinnable
folder = snapshot_download(name, repo_type="dataset")
