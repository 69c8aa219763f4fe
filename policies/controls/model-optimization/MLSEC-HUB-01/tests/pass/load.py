from transformers import AutoModelForCausalLM, AutoTokenizer

# a natively supported architecture needs no remote code
# ok: trust-remote-code-python
tokenizer = AutoTokenizer.from_pretrained("example-org/llama-style-7b", revision="0123456789abcdef0123456789abcdef01234567")

# custom modules, reviewed and pinned to the reviewed commit
# ok: trust-remote-code-python
model = AutoModelForCausalLM.from_pretrained(
    "example-org/chat-7b",
    trust_remote_code=True,
    revision="9f1c1d2e3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9",
)

# ok: trust-remote-code-python
other = AutoModelForCausalLM.from_pretrained("example-org/llama-style-7b", trust_remote_code=False)
