import pandas as pd
import xgboost as xgb


def run(applications: str, model_file: str) -> pd.Series:
    booster = xgb.Booster(model_file=model_file)
    table = pd.read_json(applications, lines=True)
    return pd.Series(booster.predict(xgb.DMatrix(table)), index=table["application_id"])
