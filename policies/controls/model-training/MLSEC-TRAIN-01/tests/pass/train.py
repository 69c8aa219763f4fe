import torch


def train(model, loader, optimizer):
    for batch, target in loader:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(batch), target)
        # ruleid: model-training-code
        loss.backward()
        optimizer.step()
