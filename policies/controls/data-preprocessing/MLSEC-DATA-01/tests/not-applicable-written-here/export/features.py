import pandas as pd
from sklearn.preprocessing import StandardScaler


def materialise(features: pd.DataFrame, destination: str) -> pd.DataFrame:
    scaled = pd.DataFrame(StandardScaler().fit_transform(features), columns=features.columns)
    scaled.to_parquet(destination)
    # ok: training-data-loaded
    return pd.read_parquet(destination)
