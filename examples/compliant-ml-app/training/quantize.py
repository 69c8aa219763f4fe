"""Shrink the trained model for CPU serving, and prove the smaller model is still good enough."""

import torch
from safetensors.torch import load_file
from sklearn.metrics import accuracy_score
from transformers import AutoModelForSequenceClassification

MAX_ACCURACY_DROP = 0.01


def evaluate(model, batches) -> float:
    predictions, labels = [], []
    with torch.no_grad():
        for inputs, batch_labels in batches:
            predictions += model(**inputs).logits.argmax(dim=-1).tolist()
            labels += batch_labels.tolist()
    return accuracy_score(labels, predictions)


def quantize(model_dir: str, test_batches) -> torch.nn.Module:
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True)
    model.load_state_dict(load_file(f"{model_dir}/review-sentiment.safetensors"))
    baseline = evaluate(model, test_batches)
    quantized = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    accuracy = evaluate(quantized, test_batches)
    if baseline - accuracy > MAX_ACCURACY_DROP:
        raise RuntimeError(f"int8 accuracy {accuracy:.3f} is too far below {baseline:.3f}")
    return quantized
