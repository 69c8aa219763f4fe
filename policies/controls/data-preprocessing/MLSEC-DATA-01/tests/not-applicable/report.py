import pandas as pd

# ok: training-data-loaded
frame = pd.read_csv("data/sales.csv")
print(frame.describe())
