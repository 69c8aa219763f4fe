import pandas as pd

frame = pd.read_parquet("data/sensors.parquet")
# ok: protected-attribute-used
frame["temperature"] = frame["temperature"].clip(-40, 60)
settings = {"sex": "not a column"}
