import torch

model = torch.jit.load("model.pt")
# ok: model-training-code
prediction = model(torch.zeros(1, 16))
