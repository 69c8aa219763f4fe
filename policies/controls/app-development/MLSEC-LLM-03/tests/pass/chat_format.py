from flask import Flask, render_template_string, request
from jinja2.sandbox import ImmutableSandboxedEnvironment

app = Flask(__name__)
sandbox = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)


def format_prompt(metadata, messages):
    template = metadata["tokenizer.chat_template"]
    # ok: untrusted-template-unsandboxed
    return sandbox.from_string(template).render(messages=messages)


def format_with(tokenizer, messages):
    # ok: untrusted-template-unsandboxed
    return tokenizer.apply_chat_template(messages, tokenize=False)


@app.get("/hello")
def hello():
    name = request.args.get("name", "")
    # the request value is a variable of a template written here, not template text
    # ok: untrusted-template-unsandboxed
    return render_template_string("<p>Hello {{ name }}</p>", name=name)
