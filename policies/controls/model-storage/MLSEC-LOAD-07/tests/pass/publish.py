from transformers import AutoModelForCausalLM


def publish(model, tokenizer, folder):
    tokenizer.save_pretrained(folder)
    # ok: safe-serialization-disabled
    model.save_pretrained(folder)


def reload(folder):
    # ok: use-safetensors-disabled
    return AutoModelForCausalLM.from_pretrained(folder, use_safetensors=True)
