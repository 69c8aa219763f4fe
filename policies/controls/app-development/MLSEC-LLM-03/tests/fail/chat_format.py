import jinja2
from flask import Flask, render_template_string, request

app = Flask(__name__)
environment = jinja2.Environment(loader=jinja2.BaseLoader())


def format_prompt(metadata, messages):
    template = metadata["tokenizer.chat_template"]
    # ruleid: untrusted-template-unsandboxed
    return environment.from_string(template).render(messages=messages)


def format_with(tokenizer, messages):
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(tokenizer.chat_template).render(messages=messages)


@app.get("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: untrusted-template-unsandboxed
    return render_template_string("<p>Hello " + name + "</p>")
