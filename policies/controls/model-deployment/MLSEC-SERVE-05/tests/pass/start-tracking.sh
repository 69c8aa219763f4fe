#!/bin/sh
set -eu
# ok: mlflow-server-no-auth
mlflow server \
    --backend-store-uri postgresql://mlflow@db/mlflow \
    --artifacts-destination s3://ml-artifacts \
    --app-name basic-auth \
    --host 0.0.0.0 --port 5000
# ok: mlflow-server-no-auth
mlflow ui --host 127.0.0.1
