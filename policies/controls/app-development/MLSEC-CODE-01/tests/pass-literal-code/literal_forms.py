"""Forms that run only code the program wrote, or are not the builtin at all."""

import ast
import inspect
from importlib import import_module

import pandas as pd
import torch

OPERATORS = "+-*/"
DEFAULT_EXPRESSION = "2 " + OPERATORS[0] + " 3"


def constants():
    assert eval("1 + 1") == 2
    exec(compile("ready = True", "<setup>", "exec"), {})
    return eval(DEFAULT_EXPRESSION)


def parsed(cell):
    return ast.literal_eval(cell)


def not_the_builtin(model: torch.nn.Module, frame: pd.DataFrame):
    model.eval()
    return frame.eval("total = price * quantity")


def patched(target):
    source = inspect.getsource(target).replace("return loss", "return loss * 2")
    module = import_module(target.__module__)
    names = [name for name in dir(module) if name in source]
    exec(f"from {target.__module__} import ({', '.join(names)})", globals())
    exec(source, globals())


def dtype(requested):
    return eval(f"torch.{requested}") if requested in ("float16", "bfloat16") else None


def settings():
    namespace = {}
    exec(open("default_settings.py").read(), namespace)
    return namespace


def dedent_source(text):
    lines = text.splitlines()
    indent = len(lines[0]) - len(lines[0].lstrip())
    return "\n".join(line[indent:] for line in lines), indent


def patched_loop(target):
    loop_source = inspect.getsource(target)
    loop_source, _ = dedent_source(loop_source)
    loop_source = loop_source.replace("step += 1", "step += 2")
    exec(loop_source, globals())


def original_step_source():
    import trainer_library

    return inspect.getsource(trainer_library.Trainer.training_step)


def patch_training_step():
    # the source is read by the module's own helper above: still the library's code, reshaped
    step_source = original_step_source()
    step_source, _ = dedent_source(step_source)
    step_source = step_source.replace("loss.backward()", "scaler.scale(loss).backward()")
    exec(step_source, globals())
