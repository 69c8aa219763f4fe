"""Hooks named in a YAML experiment file."""

import yaml
from builtins import exec as run_source


def load_hooks(config_path):
    with open(config_path) as handle:
        settings = yaml.safe_load(handle)
    statement = ""
    for dotted in settings["hooks"]:
        package, name = dotted.rsplit(".", 1)
        statement += f"from {package} import {name}\n"
    namespace = {}
    run_source(statement, {}, namespace)
    return namespace


def transform(settings, value):
    expression = "%s(value)" % settings.get("postprocess", "float")
    return eval(expression, {"value": value})


def scaled(settings, value):
    return eval("{}*{}".format(settings["scale"], value))
