"""Join the click log with the feature store export and fit a ranking model."""

import polars as pl
from lightgbm import LGBMRanker

RAW = "data/clicks.parquet"
CLEAN = "data/clicks-clean.parquet"


def build() -> LGBMRanker:
    # ruleid: training-data-loaded
    clicks = pl.read_parquet(RAW)
    clicks.filter(pl.col("dwell_ms") > 0).write_parquet(CLEAN)
    ranker = LGBMRanker(n_estimators=200)
    ranker.fit(clicks.select("f0", "f1").to_numpy(), clicks["relevance"].to_numpy())
    return ranker
