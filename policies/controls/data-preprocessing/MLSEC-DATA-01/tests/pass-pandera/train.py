import pandas as pd
import pandera as pa
from sklearn.linear_model import LogisticRegression

SCHEMA = pa.DataFrameSchema(
    {
        "length": pa.Column(int, pa.Check.in_range(1, 10_000)),
        "label": pa.Column(int, pa.Check.isin([0, 1])),
    }
)


def main() -> None:
    # ruleid: training-data-loaded
    frame = SCHEMA.validate(pd.read_csv("data/reviews.csv"))
    model = LogisticRegression()
    model.fit(frame[["length"]], frame["label"])
