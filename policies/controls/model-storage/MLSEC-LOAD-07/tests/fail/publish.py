from transformers import AutoModelForCausalLM


def publish(model, tokenizer, folder):
    tokenizer.save_pretrained(folder)
    # ruleid: safe-serialization-disabled
    model.save_pretrained(folder, safe_serialization=False)


def reload(folder):
    # ruleid: use-safetensors-disabled
    return AutoModelForCausalLM.from_pretrained(folder, use_safetensors=False)
