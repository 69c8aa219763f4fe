import html

import streamlit as st
from fastapi.responses import HTMLResponse
from openai import OpenAI

client = OpenAI()
# ok: raw-html-from-variable
st.markdown("<style>.you { color: grey; }</style>", unsafe_allow_html=True)
question = st.text_input("Ask about your documents")
if question:
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
    )
    answer = reply.choices[0].message.content
    # ok: raw-html-from-variable
    st.markdown(answer)
    # ok: raw-html-from-variable
    st.markdown(f"<div class='you'>{html.escape(question)}</div>", unsafe_allow_html=True)


def page(answer):
    # ok: raw-html-from-variable
    return HTMLResponse(html.escape(answer))


STYLE = "<style>.bot { color: teal; }</style>"
# ok: raw-html-from-variable
st.markdown(STYLE, unsafe_allow_html=True)


def embed_state(value):
    import json

    import markupsafe

    # the value is escaped for a script tag by the call chain: a call result is not reported
    # ok: raw-html-from-variable
    return markupsafe.Markup(json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e"))


def index(frontend_dir):
    with open(frontend_dir + "/index.html", encoding="utf-8") as handle:
        content = handle.read()
    # the application's own page
    # ok: raw-html-from-variable
    return HTMLResponse(content=content)
