import torch

# the text below is only a string, not a comment: "# mlsec-policy: ignore[NOPE]"
NOTE = "# mlsec-policy: ignore[MLSEC-NOPE-01]"

# mlsec-policy: ignore[MLSEC-LOAD-01] checkpoint is produced by our own signed training job
model = torch.load("ckpt.pt")
state = torch.load("other.pt")  # mlsec-policy: ignore[MLSEC-LOAD-01] - fixture data built in CI
# this comment only mentions mlsec-policy: it is prose, not a suppression
