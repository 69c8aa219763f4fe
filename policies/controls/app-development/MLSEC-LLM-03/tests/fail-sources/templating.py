import flask
import jinja2
from fastapi import FastAPI, Request, WebSocket

api = FastAPI()
site = flask.Flask(__name__)


def from_gguf_fields(fields, messages):
    text = fields["chat_template"]
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(text).render(messages=messages)


def from_metadata_lookup(meta, messages):
    text = meta.get("tokenizer.chat_template", "")
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(text).render(messages=messages)


def from_metadata_default(meta, messages):
    text = meta.get("chat_template", None)
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Environment().from_string(text).render(messages=messages)


@api.post("/render")
async def render_body(request: Request):
    payload = await request.json()
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(payload["template"]).render()


@api.post("/render-raw")
async def render_raw(request: Request):
    raw = await request.body()
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(raw.decode()).render()


@api.get("/greet")
def greet(greeting: str):
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(greeting + " {{ name }}").render(name="you")


def from_completion(client, prompt):
    reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": prompt}])
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(reply.choices[0].message.content).render()


def from_chain(llm, prompt):
    answer = llm.invoke(prompt)
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(answer.content).render()


@api.post("/render-field")
async def render_field(template: str):
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(template).render()


async def template_from_json(req):
    data = await req.json()
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(data["template"]).render()


async def template_from_body(req):
    data = await req.body()
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(data.decode()).render()


def template_from_form():
    text = flask.request.form["template"]
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(text).render()


@api.put("/templates/{name}")
async def replace_template(name: str, body: str):
    # ruleid: untrusted-template-unsandboxed
    return {name: jinja2.Template(body).render()}


@api.patch("/templates/{name}")
async def patch_template(name: str, body: str):
    # ruleid: untrusted-template-unsandboxed
    return {name: jinja2.Template(body).render()}


@api.delete("/templates/{name}")
async def delete_preview(name: str, farewell: str):
    # ruleid: untrusted-template-unsandboxed
    return {name: jinja2.Template(farewell).render()}


@api.api_route("/preview", methods=["GET", "POST"])
async def preview(layout: str):
    # ruleid: untrusted-template-unsandboxed
    return jinja2.Template(layout).render()


@api.websocket("/live")
async def live_preview(websocket: WebSocket):
    await websocket.accept()
    text = await websocket.receive_text()
    # ruleid: untrusted-template-unsandboxed
    await websocket.send_text(jinja2.Template(text).render())


@site.route("/page/<layout>")
def page(layout):
    # ruleid: untrusted-template-unsandboxed
    return flask.render_template_string(layout)
