from langchain_community.vectorstores import FAISS
from langchain_openai import OpenAIEmbeddings


def build_index(documents):
    embeddings = OpenAIEmbeddings()
    # ok: langchain-dangerous-deserialization
    return FAISS.from_documents(documents, embeddings)


def open_index(folder, embeddings):
    # the default refuses to unpickle the document store
    # ok: langchain-dangerous-deserialization
    return FAISS.load_local(folder, embeddings, allow_dangerous_deserialization=False)
