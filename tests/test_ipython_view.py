"""Notebook cells are read the way IPython reads them, and only what is not Python is set aside."""

from __future__ import annotations

import pytest

from mlsec_policy.views.ipython import cell_to_python
from mlsec_policy.views.notebook import notebook_view
from mlsec_policy.views.salvage import parse_error, salvage
from tests.valid_corpus import notebook


def python(source: str) -> list[str]:
    """Return the Python of one cell, line for line."""
    code = cell_to_python(source.split("\n"))
    assert len(code.lines) == len(source.split("\n"))
    return list(code.lines)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # shell escapes, with the lines a backslash continues
        (
            "!curl -L https://x.org/w.pt \\\n  -o w.pt \\\n  --retry 3\nimport torch",
            ["pass", "", "", "import torch"],
        ),
        ("!!ls\n%pip install torch==2.4.0", ["pass", "pass"]),
        # assignments from the shell or a magic keep their target
        ("files = !ls -1\na, b = %sx echo 1 2", ["files = None", "a, b = None"]),
        # help requests, before or after a name
        ("?np.arange\ntorch.load?\ntorch.save??", ["pass", "pass", "pass"]),
        # the statement after %time runs: it stays Python
        ("%time model = load(p)\n%timeit -n 10 -r 3 f(x)", ["model = load(p)", "f(x)"]),
        # escapes inside a block keep their indentation
        ("if ok:\n    !echo yes\n    x = 1", ["if ok:", "    pass", "    x = 1"]),
        # a ! or ? inside a string or a bracket is Python's, not IPython's
        ('x = """\n!not a command\nwhy?\n"""', ['x = """', "!not a command", "why?", '"""']),
        ("f(a,\n  !b)", ["f(a,", "  !b)"]),
        # doctest and IPython prompts are stripped
        (">>> import torch\n>>> x = 1\n2", ["import torch", "x = 1", "2"]),
        ("In [3]: x = 1\n   ...: y = 2", ["x = 1", "y = 2"]),
        # a cell indented as a whole
        ("    x = 1\n    y = 2", ["x = 1", "y = 2"]),
        # automagic: a single-line cell calling a magic without its %
        ("pip install -q einops", ["pass"]),
        ("cd ..", ["pass"]),
        ("pip = 3", ["pip = 3"]),
    ],
)
def test_ipython_syntax_becomes_python_line_for_line(source: str, expected: list[str]) -> None:
    assert python(source) == expected


def test_a_magic_without_percent_in_a_longer_cell_is_left_for_the_parser_to_refuse() -> None:
    # IPython runs automagic only in a single-line cell; in a longer one it is a SyntaxError
    assert python("import os\npip install x") == ["import os", "pip install x"]


@pytest.mark.parametrize(
    ("source", "magic"),
    [
        ("%%bash\nfor f in *; do echo $f; done", "bash"),
        ("%%writefile run.sh\nexec python -m app", "writefile"),
        ("%%html\n<b>hi</b>", "html"),
        # Colab form lines and comments may come before the cell magic
        ('#@title Banner { display-mode: "form" }\n#@markdown text\n%%html\n<p>x</p>', "html"),
        ("%%unknown_magic\nthis is { not python", "unknown_magic"),
    ],
)
def test_cells_in_another_language_are_not_read_as_python(source: str, magic: str) -> None:
    code = cell_to_python(source.split("\n"))
    assert code.magic == magic
    assert not any(line.strip() and not line.startswith("#") for line in code.lines)


@pytest.mark.parametrize(
    "source",
    ["%%capture log\nimport torch\nm = torch.load(p)", "%%time\nm = load(p)", "%%custom\nm = 1"],
)
def test_cell_magics_that_run_python_keep_their_body(source: str) -> None:
    code = cell_to_python(source.split("\n"))
    assert code.magic is None
    assert code.lines[0] == "" and code.lines[1:] == tuple(source.split("\n")[1:])


def test_top_level_await_is_python_in_a_notebook() -> None:
    assert parse_error("x = await f()\nasync for a in b:\n    pass\n") is None


@pytest.mark.parametrize(
    ("source", "set_aside", "whole"),
    [
        ("for e in r:\n    print(e)\nEpoch 1/2 - loss: 0.4\nEpoch 2/2 - loss: 0.2", (3, 4), False),
        ('print("never closed)\nm = load(p)', (1,), False),
        ("c = OpenAI(\n    api_key=<YOUR-API-KEY>,\n)", (2,), False),
        ('doc = """open\nstill open', (1, 2), True),
        ("for x in <ITEMS>:\n    load(x)", (1,), False),
        ("x = 1\ny = 2", (), False),
    ],
)
def test_what_is_not_python_is_set_aside_and_the_rest_kept(
    source: str, set_aside: tuple[int, ...], whole: bool
) -> None:
    lines = source.split("\n")
    kept = salvage(lines)
    assert kept.set_aside == set_aside
    assert kept.whole is whole
    assert parse_error("\n".join(kept.lines)) is None
    assert len(kept.lines) == len(lines)
    for number, line in enumerate(lines, start=1):
        if number not in set_aside:
            assert kept.lines[number - 1] == line


def test_code_followed_by_much_printed_output_keeps_its_code() -> None:
    cell = [
        "from transformers import AutoModel",
        "",
        'model = AutoModel.from_pretrained("org/name")',
        "model.config",
        "Config {",
        '  "hidden_size": 768,',
        '  "layers": 12,',
        '  "heads": 12',
        "}",
    ]
    kept = salvage(cell)
    assert kept.lines[:4] == tuple(cell[:4]) and not any(kept.lines[4:])
    assert kept.set_aside == (5, 6, 7, 8, 9) and not kept.whole


def test_a_cell_that_is_not_python_at_all_is_set_aside_whole() -> None:
    output = ["tensor([[0.1, 0.2],", "        [0.3, 0.4]]) grad_fn=<Add>"] * 4
    kept = salvage(output)
    assert kept.whole and not any(kept.lines)


def test_brackets_a_cell_cut_short_leaves_open_are_closed() -> None:
    cell = [
        "model = AutoModelForCTC.from_pretrained(",
        '    "facebook/wav2vec2-base",',
        "    settings={'a': [1, 2],  # a comment",
    ]
    kept = salvage(cell)
    assert kept.set_aside == ()
    assert kept.lines[2] == "    settings={'a': [1, 2],}) # a comment"
    assert parse_error("\n".join(kept.lines)) is None


def test_the_notebook_view_keeps_every_cell_and_lists_what_it_set_aside() -> None:
    raw = notebook(
        [
            ("code", "import torch\nEpoch 1 - loss: 0.3\nm = torch.load(p)\n"),
            ("markdown", "# notes\n"),
            ("code", "out = <YOUR OUTPUT>\n"),
            ("code", "torch.load(q)\n"),
        ]
    )
    view = notebook_view(raw, "nb")
    assert parse_error(view.text) is None
    assert "m = torch.load(p)" in view.text and "torch.load(q)" in view.text
    reasons = [omission.reason for omission in view.omitted]
    assert reasons == [
        "code cell 1, line 2 of the cell: not Python once IPython syntax is set aside "
        "(invalid syntax); the rest of the cell was checked",
        "code cell 3 is not Python once IPython syntax is set aside (invalid syntax); "
        "it was not checked",
    ]
    lines = raw.splitlines()
    assert all(o.line is not None for o in view.omitted)
    assert "Epoch 1" in lines[(view.omitted[0].line or 0) - 1]
    assert "YOUR OUTPUT" in lines[(view.omitted[1].line or 0) - 1]
