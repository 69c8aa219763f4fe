from transformers import AutoModelForCausalLM, pipeline

# a branch name is not a pin: the code behind "main" can change at any time
# ruleid: trust-remote-code-python
model = AutoModelForCausalLM.from_pretrained("example-org/chat-7b", trust_remote_code=True, revision="main")
# ruleid: trust-remote-code-python
chat = pipeline("text-generation", model="example-org/chat-7b", trust_remote_code=True)


def loader_options(name):
    # options built here and handed on to the loader
    # ruleid: trust-remote-code-python
    options = dict(device_map="auto", trust_remote_code=True)
    return AutoModelForCausalLM.from_pretrained(name, **options)


def through_a_wrapper(run, name):
    # ruleid: trust-remote-code-python
    settings = dict(model_name_or_path=name, trust_remote_code=True)
    return run(settings)


def bound_loader(name):
    import functools

    # ruleid: trust-remote-code-python
    load = functools.partial(AutoModelForCausalLM.from_pretrained, trust_remote_code=True)
    return load(name)


def load_with_overrides(name, overrides):
    # the membership test only limits which defaults a caller may override; the dict is the
    # loader's options all the same
    # ruleid: trust-remote-code-python
    kwargs = dict(device_map="auto", trust_remote_code=True)
    for key, value in overrides.items():
        if key in kwargs:
            kwargs[key] = value
    return AutoModelForCausalLM.from_pretrained(name, **kwargs)
