import yaml
from ruamel.yaml import YAML


def read_config(path):
    with open(path) as handle:
        # ruleid: yaml-unsafe-load
        return yaml.load(handle, Loader=yaml.Loader)


def read_card(text):
    # ruleid: yaml-unsafe-load
    return yaml.full_load(text)


def read_legacy(text):
    # ruleid: yaml-unsafe-load
    return yaml.load(text)


def read_fast(text):
    # ruleid: yaml-unsafe-load
    return yaml.load(text, yaml.CLoader)


# ruleid: yaml-unsafe-load
parser = YAML(typ="unsafe")
