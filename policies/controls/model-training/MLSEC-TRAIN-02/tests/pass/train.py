import pandas as pd
from fairlearn.metrics import MetricFrame, selection_rate
from sklearn.ensemble import GradientBoostingClassifier

frame = pd.read_parquet("data/applicants.parquet")
# ruleid: protected-attribute-used
groups = frame["gender"]
model = GradientBoostingClassifier().fit(frame.drop(columns=["approved"]), frame["approved"])
report = MetricFrame(metrics=selection_rate, y_true=frame["approved"], y_pred=model.predict(frame), sensitive_features=groups)
