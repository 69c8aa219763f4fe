import yaml
from yaml import CLoader


def every_document(stream):
    # ruleid: yaml-unsafe-load
    return list(yaml.load_all(stream))


def all_unsafe(stream):
    # ruleid: yaml-unsafe-load
    return list(yaml.unsafe_load_all(stream))


def all_full(stream):
    # ruleid: yaml-unsafe-load
    return list(yaml.full_load_all(stream))


def documents_with(stream):
    # ruleid: yaml-unsafe-load
    return list(yaml.load_all(stream, Loader=yaml.FullLoader))


def positional(text):
    # ruleid: yaml-unsafe-load
    return yaml.load(text, CLoader)


def positional_all(stream):
    # ruleid: yaml-unsafe-load
    return list(yaml.load_all(stream, yaml.UnsafeLoader))


def one_unsafe(text):
    # ruleid: yaml-unsafe-load
    return yaml.unsafe_load(text)
