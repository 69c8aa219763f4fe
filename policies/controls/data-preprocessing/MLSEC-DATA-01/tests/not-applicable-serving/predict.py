import joblib
import pandas as pd
from sklearn.pipeline import Pipeline

pipeline: Pipeline = joblib.load("model/pipeline.joblib")
batch = pd.read_parquet("incoming/batch.parquet")
batch["churn_probability"] = pipeline.predict_proba(batch)[:, 1]
batch.to_parquet("outgoing/batch.parquet")
