"""Quick start: the example the documentation walks through."""

import pandas as pd
from sklearn.linear_model import LogisticRegression

reviews = pd.read_csv("data/reviews.csv")
classifier = LogisticRegression().fit(reviews[["length"]], reviews["label"])
print(classifier.score(reviews[["length"]], reviews["label"]))
