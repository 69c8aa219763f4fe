import torch

model = torch.load("ckpt.pt")  # mlsec-policy: ignore[MLSEC-LAOD-01] typo in the control id

# mlsec-policy: ignore[MLSEC-LOAD-01, MLSEC-NOPE-99] the second id names no control
state = torch.load("other.pt")
