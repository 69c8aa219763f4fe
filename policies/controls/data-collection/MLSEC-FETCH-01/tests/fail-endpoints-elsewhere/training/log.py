import boto3
import mlflow
import yaml

import settings
from settings import TRACKING_URI


def start(name):
    mlflow.set_tracking_uri(TRACKING_URI)
    return mlflow.start_run(run_name=name)


def register():
    return mlflow.MlflowClient(registry_uri=settings.REGISTRY_URI)


def store(path="storage.yaml"):
    with open(path) as handle:
        cfg = yaml.safe_load(handle)["artifacts"]
    return boto3.client("s3", endpoint_url=cfg["endpoint_url"])


def mirror(endpoint="http://mirror.example.org:9000"):
    return boto3.client("s3", endpoint_url=endpoint)
