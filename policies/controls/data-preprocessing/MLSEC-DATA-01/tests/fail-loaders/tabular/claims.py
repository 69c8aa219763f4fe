import pandas as pd
from sklearn.ensemble import RandomForestRegressor as Forest


def train(workbook: str) -> Forest:
    # ruleid: training-data-loaded
    claims = pd.read_excel(workbook, sheet_name="2024")
    forest = Forest(n_estimators=300)
    forest.fit(claims[["age", "premium"]], claims["payout"])
    return forest
