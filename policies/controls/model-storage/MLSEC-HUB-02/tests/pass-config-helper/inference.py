"""Configured names loaded with their recorded pin, and helpers no configuration feeds."""

import argparse

from transformers import AutoModel, AutoTokenizer


def prepare(data, flavor_config, params):
    name = flavor_config.get("source_model_name")
    commit = flavor_config.get("source_model_revision")
    params["tokenizer"] = pinned_tokenizer(name, commit)
    params["model"] = load_model(data.model_path)
    params["other"] = load_second(flavor_config.get("source_model_name"), "cpu")
    return data, params


def pinned_tokenizer(model_name, revision):
    return AutoTokenizer.from_pretrained(model_name, revision=revision)


def load_model(model_path):
    # the application's own load_model(path) helper: no configuration feeds it here
    return AutoModel.from_pretrained(model_path)


def load_second(device, name):
    # the configured name goes to device, not to the loaded parameter
    return AutoModel.from_pretrained(name).to(device)


def load_with_options(name, **options):
    # keyword options offer the caller a place for a revision (not followed further here)
    model = AutoModel.from_pretrained(name)
    return model, options


def main(run_cfg):
    args = argparse.ArgumentParser().parse_args()
    model = load_model(args.model)
    options = load_with_options(run_cfg.get("name"))
    return model, options


def direct(model_config):
    # ok: hub-id-from-config
    return AutoModel.from_pretrained(
        model_config.get("name"), revision=model_config.get("revision")
    )
