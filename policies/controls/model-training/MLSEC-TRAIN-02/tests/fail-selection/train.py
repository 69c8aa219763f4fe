import pandas as pd
from sklearn.linear_model import LogisticRegression

# ruleid: protected-attribute-used
loans = pd.read_csv("data/loans.csv", usecols=["income", "marital_status", "approved"])
# ruleid: protected-attribute-used
inputs = loans[["income", "zip_code"]]
model = LogisticRegression().fit(inputs, loans["approved"])
