import tensorflow as tf
from datasets import load_dataset

from pipeline import make_model

# ruleid: training-data-loaded
examples = load_dataset("parquet", data_files={"train": "data/train-*.parquet"})
model: tf.keras.Model = make_model()
model.fit(examples["train"].to_tf_dataset(columns=["age"], label_cols=["label"]), epochs=3)
