"""A fixed, generated Python file on which every semgrep rule of a pack is timed.

The file is the same on every run (no randomness, no clock) and about 10,000 lines long, in
the shapes that made rules slow on real repositories: many small classes, one very long
function holding hundreds of nested callbacks and calls within calls (a web-UI builder), long
module-level script code, big dict literals, long string constants and one line of embedded
assets over 100,000 characters. The code uses the vocabulary of ML applications (downloads,
model loading, subprocesses, request handlers), so rules do real work on it; a comment block
at the top lists the words of the rules being timed, so that no rule is skipped by semgrep's
literal prefilter and every rule is measured on the whole file.

Nothing here is ever imported or run: the text is only handed to semgrep.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Iterator

STRESS_LINES = 10_000
"""The length the file is generated to (it ends on a complete statement at or past this)."""

ASSET_CHARACTERS = 120_000
"""Characters of the one long line of embedded assets."""

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


def stress_source(vocabulary: Iterable[str] = (), lines: int = STRESS_LINES) -> str:
    """Return the generated file: ``lines`` lines or a little more, the same on every call.

    ``vocabulary`` is text (rule patterns) whose words go into the comment block at the top.
    """
    parts: list[str] = [_header(vocabulary), _classes(40), _constants()]
    body = list(_builder_function(lines // 3))
    parts.append("\n".join(body))
    parts.append(_asset_line())
    count = sum(part.count("\n") + 1 for part in parts)
    step = 0
    while count < lines:
        chunk = _script_chunk(step) if step % 2 == 0 else _class(step + 100)
        parts.append(chunk)
        count += chunk.count("\n") + 1
        step += 1
    return "\n".join(parts) + "\n"


def long_function_source(lines: int) -> str:
    """Return the imports and one long function of about ``lines`` lines, nothing else.

    The part of the stress file that rules of quadratic cost stall on, without the classes,
    tables and asset line whose parse takes most of the stress file's own time.
    """
    return _header(()) + "\n\n" + "\n".join(_builder_function(lines)) + "\n"


def _header(vocabulary: Iterable[str]) -> str:
    words = sorted({word for text in vocabulary for word in _WORD.findall(text)})
    wrapped = textwrap.wrap(" ".join(words), width=96) if words else []
    comment = "\n".join(f"# {line}" for line in wrapped)
    imports = """\
\"\"\"A generated application module (for timing rules; never run).\"\"\"

import hashlib
import json
import os
import pickle
import subprocess
import urllib.request

import gradio as gr
import requests
import torch
import yaml
from flask import Flask, request
from transformers import AutoModel, AutoTokenizer

app = Flask(__name__)
"""
    return f"{comment}\n{imports}" if comment else imports


def _class(number: int) -> str:
    methods = "\n".join(
        f"""\
    def step_{index}(self, batch, *, scale=1.0, name="layer_{index}"):
        \"\"\"Run step {index} of the pipeline.\"\"\"
        values = [self.transform(item, scale=scale) for item in batch if item is not None]
        total = sum(len(str(value)) for value in values)
        if total > {index * 7 + 3}:
            self.log.info("step %s of %s: %d values", name, self.name, total)
        return {{"name": name, "values": values, "total": total}}
"""
        for index in range(8)
    )
    return f"""\
class Component{number}:
    \"\"\"Component {number} of the generated application.\"\"\"

    def __init__(self, name, config=None):
        self.name = name
        self.config = dict(config or {{}})
        self.log = get_logger(f"component.{number}")

    def transform(self, item, scale=1.0):
        return item * scale if isinstance(item, (int, float)) else str(item).strip()

{methods}"""


def _classes(count: int) -> str:
    return "\n\n".join(_class(number) for number in range(count))


def _constants() -> str:
    table = "\n".join(
        f'    "option_{index}": {{"default": {index}, "help": "Option {index} of the '
        f'interface", "choices": [{index}, {index + 1}, {index + 2}], "visible": '
        f"{'True' if index % 3 else 'False'}}},"
        for index in range(400)
    )
    prose = "\n".join(
        f"Paragraph {index}: the model answers questions about the uploaded documents, "
        "cites its sources and never runs code it is given."
        for index in range(120)
    )
    long_strings = "\n".join(
        f'TEMPLATE_{index} = "' + ("{{context}} " + "lorem ipsum dolor sit amet " * 40) * 5 + '"'
        for index in range(6)
    )
    return f'SETTINGS = {{\n{table}\n}}\n\nHELP_TEXT = """\n{prose}\n"""\n\n{long_strings}\n'


def _asset_line() -> str:
    unit = "function r(e){return e&&e.__esModule?e:{default:e}}var t=r(n(7));window.t=t;"
    text = (unit * (ASSET_CHARACTERS // len(unit) + 1))[:ASSET_CHARACTERS]
    return f'ASSET_JS = "{text}"\n'


def _builder_function(lines: int) -> Iterator[str]:
    """Yield one long function full of nested callbacks, as web-UI builders are written."""
    yield "def build_interface(**kwargs):"
    yield '    """Build every tab of the interface."""'
    yield "    model_path = kwargs.get('model_path', 'models/default')"
    yield "    demo = gr.Blocks(title=kwargs.get('title', 'demo'))"
    written = 4
    block = 0
    while written < lines:
        chunk = _builder_block(block)
        yield chunk
        written += chunk.count("\n") + 1
        block += 1
    yield "    return demo"


def _builder_block(number: int) -> str:
    return _BLOCK.format(number=number, option=number % 400) + (
        _SINKS.format(number=number) if number % 10 == 0 else ""
    )


_SINKS = """\
        weights_{number} = os.path.join(model_path, "weights_{number}.pt")
        urllib.request.urlretrieve(kwargs["weights_url"], weights_{number})
        state_{number} = torch.load(weights_{number}, map_location="cpu")
        model_{number} = AutoModel.from_pretrained(model_path, revision=kwargs.get("revision"))
        subprocess.run(["nvidia-smi", "--query-gpu=memory.used"], check=False)
        if kwargs.get("verify"):
            digest_{number} = hashlib.sha256(open(weights_{number}, "rb").read()).hexdigest()
"""

_BLOCK = """\
    with gr.Tab(label=f"Tab {number}", visible=kwargs.get("show_{number}", True)):
        rows_{number} = max(1, int(kwargs.get("lines", 3)))
        textbox_{number} = gr.Textbox(label="Input {number}", lines=rows_{number})
        button_{number} = gr.Button(value="Run {number}", variant="primary")
        output_{number} = gr.Markdown(value=format_output(load_state(model_path, {number})))

        def on_click_{number}(text, state=None, request: gr.Request = None):
            settings = dict(SETTINGS.get("option_{option}", {{}}))
            if state is None or not isinstance(state, dict):
                state = {{"history": [], "count": 0}}
            for attempt in range(int(settings.get("default", 1)) + 1):
                try:
                    reply = call_model(text.strip(), history=state["history"][-8:], retry=attempt)
                except (ValueError, KeyError) as exc:
                    log_error("tab {number}", str(exc))
                    continue
                state["history"].append((text, reply))
                break
            else:
                reply = "no answer"
            state["count"] = state.get("count", 0) + 1
            return format_output(reply), json.dumps(state, sort_keys=True)

        button_{number}.click(
            on_click_{number},
            inputs=[textbox_{number}],
            outputs=[output_{number}],
            api_name="run_{number}" if kwargs.get("allow_api") else False,
        )
        if kwargs.get("debug_{number}"):
            folder_{number} = os.path.join(model_path, "tab_{number}")
            print(summarize(folder_{number}, limit=len(str(textbox_{number}))))
"""


def _script_chunk(number: int) -> str:
    return f"""\
# step {number} of the data preparation script
records_{number} = [json.loads(line) for line in open(os.path.join("data", "part_{number}.jsonl"))]
labels_{number} = sorted({{record.get("label", "none") for record in records_{number}}})
counts_{number} = {{
    label: sum(1 for r in records_{number} if r.get("label") == label) for label in labels_{number}
}}
if counts_{number}:
    best_{number} = max(counts_{number}.items(), key=lambda pair: (pair[1], pair[0]))
    print("part {number}:", best_{number}, len(records_{number}))
with open(os.path.join("out", "counts_{number}.json"), "w") as handle:
    json.dump(counts_{number}, handle, indent=2)
"""
