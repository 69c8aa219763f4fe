import streamlit as st
from fastapi.responses import HTMLResponse
from openai import OpenAI

client = OpenAI()
question = st.text_input("Ask about your documents")
if question:
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
    )
    answer = reply.choices[0].message.content
    # ruleid: raw-html-from-variable
    st.markdown(answer, unsafe_allow_html=True)
    # ruleid: raw-html-from-variable
    st.markdown(f"<div class='you'>{question}</div>", unsafe_allow_html=True)


def page(answer):
    # ruleid: raw-html-from-variable
    return HTMLResponse("<html><body>" + answer + "</body></html>")


def show(message):
    # ruleid: raw-html-from-variable
    st.markdown(message["content"], unsafe_allow_html=True)
