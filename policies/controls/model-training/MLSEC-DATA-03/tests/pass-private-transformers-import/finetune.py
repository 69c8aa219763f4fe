from private_transformers import PrivacyEngine


def attach(model, optimizer):
    PrivacyEngine(model, batch_size=64, sample_size=50000, epochs=3, max_grad_norm=0.1, target_epsilon=3).attach(optimizer)
