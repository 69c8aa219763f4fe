"""A LlamaIndex engine that answers questions about a table by running generated pandas code."""

import pandas as pd
from llama_index.experimental import query_engine
from llama_index.experimental.query_engine import PandasQueryEngine

frame = pd.read_csv("sales.csv")
# ruleid: agent-local-code-executor
engine = PandasQueryEngine(df=frame, verbose=True)
# ruleid: agent-local-code-executor
other = query_engine.PandasQueryEngine(df=frame)
