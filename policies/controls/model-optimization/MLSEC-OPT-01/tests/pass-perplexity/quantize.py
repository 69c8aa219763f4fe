"""Load the chat model in 4-bit for the small GPU tier."""

import transformers

# ruleid: model-conversion-python
config = transformers.BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4")
# ruleid: model-conversion-python
model = transformers.AutoModelForCausalLM.from_pretrained("org/chat-7b", load_in_4bit=True)
