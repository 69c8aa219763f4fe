import streamlit as st


def run(tokenizer, ids):
    texts = tokenizer.batch_decode(ids, skip_special_tokens=True)
    # ruleid: eval-of-model-output
    exec(texts[0])
    st.write("done")
