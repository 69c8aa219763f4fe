def step(loss):
    # ruleid: model-training-code
    loss.backward()
