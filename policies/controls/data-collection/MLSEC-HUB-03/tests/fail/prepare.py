from datasets import load_dataset
from huggingface_hub import hf_hub_download

# ruleid: hub-dataset-unpinned
reviews = load_dataset("example-org/product-reviews", split="train")
# ruleid: hub-dataset-unpinned
baseline = load_dataset("imdb", revision="main")
# ruleid: hub-dataset-unpinned
labels = hf_hub_download(repo_id="example-org/product-reviews", filename="labels.csv", repo_type="dataset")

CORPUS = "example-org/support-tickets"
# the message names the dataset, not the variable that holds its name
# ruleid: hub-dataset-unpinned
tickets = load_dataset(CORPUS, split="train")
