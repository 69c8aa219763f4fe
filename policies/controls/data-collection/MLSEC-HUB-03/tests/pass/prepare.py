from datasets import load_dataset
from huggingface_hub import hf_hub_download, snapshot_download

REVIEWS_COMMIT = "0d5c6f7e8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d"

# ok: hub-dataset-unpinned
reviews = load_dataset("example-org/product-reviews", split="train", revision=REVIEWS_COMMIT)
# ok: hub-dataset-unpinned
labels = hf_hub_download(
    repo_id="example-org/product-reviews",
    filename="labels.csv",
    repo_type="dataset",
    revision=REVIEWS_COMMIT,
)
# local files through a builder are not hub downloads
# ok: hub-dataset-unpinned
local = load_dataset("csv", data_files={"train": "data/train.csv"})
# ok: hub-dataset-unpinned
folder = load_dataset("data/reviews")
# an abbreviated commit hash pins the snapshot too
# ok: hub-dataset-unpinned
snapshot = snapshot_download("example-org/product-reviews", repo_type="dataset", revision="d05c1cb")
