import pandas as pd
import xgboost as xgb


def fit(features_path: str, predictions_path: str) -> xgb.XGBClassifier:
    # ruleid: training-data-loaded
    table = pd.read_feather(features_path)
    booster = xgb.XGBClassifier(max_depth=6)
    booster.fit(table.drop(columns=["churned"]), table["churned"])
    # what is written here is the model's output; the data it trained on was read above
    pd.DataFrame({"p": booster.predict_proba(table.drop(columns=["churned"]))[:, 1]}).to_csv(
        predictions_path
    )
    return booster
