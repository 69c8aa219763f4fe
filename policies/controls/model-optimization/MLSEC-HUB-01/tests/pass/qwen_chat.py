from modelscope import GenerationConfig

# ModelScope re-exports the transformers class: generation_config.json is read, no module
# ok: trust-remote-code-python
generation_config = GenerationConfig.from_pretrained("qwen/Qwen-7B-Chat", trust_remote_code=True)
