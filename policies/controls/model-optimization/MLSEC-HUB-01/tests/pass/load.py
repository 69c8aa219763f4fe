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


def keep_known_options(model_kwargs):
    # the dict only lists which option names the quantised loader accepts
    # ok: trust-remote-code-python
    accepted = dict(max_new_tokens=None, trust_remote_code=True, batch_size=1)
    for key in list(model_kwargs):
        if key not in accepted:
            model_kwargs.pop(key)
    return model_kwargs


def generation_settings(path):
    from transformers import GenerationConfig

    # reads generation_config.json only
    # ok: trust-remote-code-python
    return GenerationConfig.from_pretrained(path, trust_remote_code=True)


def mcp_tools(server):
    from smolagents import ToolCollection

    # consent to run the MCP server's tools, not a model repository's code
    # ok: trust-remote-code-python
    with ToolCollection.from_mcp(server, trust_remote_code=True) as tools:
        return list(tools.tools)


def split_loader_options(options):
    # option names the remote-code loader understands; the rest go to the tokenizer
    # ok: trust-remote-code-python
    loader_keys = dict(trust_remote_code=True, device_map=None, torch_dtype=None)
    return {k: v for k, v in options.items() if k in loader_keys}


# revision first, then the flag: the same reviewed pin
# ok: trust-remote-code-python
pinned = AutoModelForCausalLM.from_pretrained(
    "example-org/chat-7b",
    revision="9f1c1d2e3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9",
    trust_remote_code=True,
)
