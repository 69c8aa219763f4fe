"""A model name recorded in a configuration, loaded without the pin recorded beside it."""

from transformers import AutoModel, AutoTokenizer


def prepare(data, flavor_config, params):
    if stop := params.pop("stop", None):
        params["stopping"] = stopping_criteria(stop, flavor_config.get("source_model_name"))
    return data, params


def stopping_criteria(stop, model_name=None):
    if model_name is None:
        return None
    # (native check hub-id-from-config-via-helper)
    tokenizer = AutoTokenizer.from_pretrained(model_name, use_fast=False)
    return [tokenizer.encode(s) for s in stop]


def load_base(device, name):
    # (native check hub-id-from-config-via-helper)
    return AutoModel.from_pretrained(name).to(device)


def load_tokenizer(name, *, padding_side="left"):
    # (native check hub-id-from-config-via-helper)
    return AutoTokenizer.from_pretrained(name, padding_side=padding_side)


class Runner:
    def __init__(self, run_cfg):
        self.model = load_base("cuda", run_cfg["base_model"])
        self.tokenizer = load_tokenizer(name=run_cfg.tokenizer)


def direct(model_config, run_cfg):
    # ruleid: hub-id-from-config
    tokenizer = AutoTokenizer.from_pretrained(model_config.get("tokenizer_name"))
    # ruleid: hub-id-from-config
    model = AutoModel.from_pretrained(run_cfg["base_model"], low_cpu_mem_usage=True)
    return tokenizer, model
