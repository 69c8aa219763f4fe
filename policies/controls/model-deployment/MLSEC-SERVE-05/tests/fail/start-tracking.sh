#!/bin/sh
set -eu
# ruleid: mlflow-server-no-auth
mlflow server \
    --backend-store-uri postgresql://mlflow@db/mlflow \
    --artifacts-destination s3://ml-artifacts \
    --host 0.0.0.0 --port 5000
