import pandas as pd
from sklearn.linear_model import LogisticRegression


def main() -> None:
    # ruleid: training-data-loaded
    frame = pd.read_csv("data/reviews.csv")
    LogisticRegression().fit(frame[["length"]], frame["label"])
