"""Experiment tracking and artefact storage for the training jobs."""

import os

import boto3
import mlflow
import s3fs
from mlflow import MlflowClient

TRACKING_SERVER = "http://mlflow.example.com:5000"
# ruleid: plaintext-endpoint-python
STORAGE = {"endpoint_url": "http://objects.example.net:9000"}

# ruleid: plaintext-endpoint-python
os.environ["MLFLOW_S3_ENDPOINT_URL"] = "http://objects.example.net:9000"


def start_run(name):
    # ruleid: plaintext-endpoint-python
    mlflow.set_tracking_uri(TRACKING_SERVER)
    return mlflow.start_run(run_name=name)


def registry():
    # ruleid: plaintext-endpoint-python
    return MlflowClient(tracking_uri="http://mlflow.example.com:5000")


def artefact_store():
    # ruleid: plaintext-endpoint-python
    return boto3.client("s3", endpoint_url="http://objects.example.net:9000")


def dataset_fs():
    # ruleid: plaintext-endpoint-python
    return s3fs.S3FileSystem(client_kwargs={"endpoint_url": "http://objects.example.net:9000"})


def tracking_uri():
    # ruleid: plaintext-endpoint-python
    return os.getenv("MLFLOW_TRACKING_URI", "http://mlflow.example.com:5000")


def local_cluster():
    # ruleid: plaintext-endpoint-cluster-python
    mlflow.set_registry_uri("http://mlflow-registry:5000")
    # ruleid: plaintext-endpoint-cluster-python
    return boto3.resource("s3", **{"endpoint_url": "http://minio.mlops.svc.cluster.local:9000"})


def more_forms(run_name):
    # ruleid: plaintext-endpoint-python
    registry = MlflowClient(registry_uri="http://registry.example.com:5000")
    # ruleid: plaintext-endpoint-python
    os.environ.setdefault("MLFLOW_TRACKING_URI", "http://mlflow.example.com:5000")
    # ruleid: plaintext-endpoint-python, plaintext-download-python
    server = os.environ.get("WANDB_BASE_URL", "http://wandb.example.org")
    # ruleid: plaintext-endpoint-python
    mlflow.set_tracking_uri(uri="http://mlflow.example.com:5000")
    return registry, server


def cluster_forms():
    # ruleid: plaintext-endpoint-cluster-python
    client = MlflowClient(tracking_uri="http://mlflow:5000")
    # ruleid: plaintext-endpoint-cluster-python
    registry = MlflowClient(registry_uri="http://mlflow-registry.mlops.svc:5000")
    # ruleid: plaintext-endpoint-cluster-python
    store = boto3.client("s3", endpoint_url="http://10.0.12.4:9000")
    # ruleid: plaintext-endpoint-cluster-python
    mlflow.set_tracking_uri(uri="http://mlflow:5000")
    # ruleid: plaintext-endpoint-cluster-python
    os.environ["MLFLOW_S3_ENDPOINT_URL"] = "http://minio:9000"
    # ruleid: plaintext-endpoint-cluster-python
    os.environ.setdefault("AWS_ENDPOINT_URL", "http://minio:9000")
    # ruleid: plaintext-endpoint-cluster-python
    tracking = os.getenv("MLFLOW_TRACKING_URI", "http://mlflow:5000")
    # ruleid: plaintext-endpoint-cluster-python
    hub = os.environ.get("HF_ENDPOINT", "http://hf-mirror.internal")
    return client, registry, store, tracking, hub
