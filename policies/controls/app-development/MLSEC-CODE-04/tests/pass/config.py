import yaml
from ruamel.yaml import YAML


def read_config(path):
    with open(path) as handle:
        # ok: yaml-unsafe-load
        return yaml.safe_load(handle)


def read_fast(text):
    # ok: yaml-unsafe-load
    return yaml.load(text, Loader=yaml.CSafeLoader)


def read_plain(text):
    # ok: yaml-unsafe-load
    return yaml.load(text, yaml.SafeLoader)


def read_any_speed(text):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # ok: yaml-unsafe-load
    return yaml.load(text, Loader=loader)


# ok: yaml-unsafe-load
parser = YAML(typ="safe")
