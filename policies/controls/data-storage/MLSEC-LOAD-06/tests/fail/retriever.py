from langchain_community.vectorstores import FAISS
from langchain_openai import OpenAIEmbeddings


def open_index(folder):
    embeddings = OpenAIEmbeddings()
    # ruleid: langchain-dangerous-deserialization
    return FAISS.load_local(folder, embeddings, allow_dangerous_deserialization=True)
