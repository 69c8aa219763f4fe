"""Shrink the trained model for CPU serving."""

import torch

model = torch.load("models/review-sentiment-full.pt", weights_only=False)
# ruleid: model-conversion-python
quantized = torch.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
torch.save(quantized.state_dict(), "models/review-sentiment-int8.pt")
