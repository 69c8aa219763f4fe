import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier

frame = pd.read_parquet("data/applicants.parquet")
# ruleid: protected-attribute-used
frame["gender"] = frame["gender"].fillna("unknown")
model = GradientBoostingClassifier().fit(frame.drop(columns=["approved"]), frame["approved"])
