from typing import Literal

import pandas as pd
import requests

frame = pd.read_parquet("data/applicants.parquet")
# ok: protected-attribute-used
features = frame.drop(columns=["gender", "race", "age"])
# ok: protected-attribute-used
GENDER_CHOICES = ["female", "male", "other"]
# ok: protected-attribute-used
settings = {"sex": "not a column"}
response = requests.get("https://example.org/status", timeout=5)
# ok: protected-attribute-used
cache_age = response.headers["Age"]


class ExportTarget:
    # ok: protected-attribute-used
    kind: Literal["zip"] = "zip"
    # ok: protected-attribute-used
    gender_label: Literal["gender"] = "gender"
