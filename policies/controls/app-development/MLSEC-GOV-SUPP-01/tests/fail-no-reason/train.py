import torch

# a bare suppression suppresses nothing and is reported
model = torch.load("ckpt.pt")  # mlsec-policy: ignore[MLSEC-LOAD-01]
