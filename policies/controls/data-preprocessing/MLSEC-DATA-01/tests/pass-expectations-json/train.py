import keras
import pandas as pd

# ruleid: training-data-loaded
reviews = pd.read_parquet("data/reviews.parquet")
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.fit(reviews[["length"]].to_numpy(), reviews["label"].to_numpy(), epochs=2)
