"""Experiment tracking over TLS, and local services for development."""

import os

import boto3
import mlflow
from mlflow import MlflowClient

TRACKING_SERVER = "https://mlflow.example.com"
DOCS = "http://mlflow.org/docs/latest/tracking.html"  # read the docs, never fetched


def start_run(name):
    # ok: plaintext-endpoint-python
    mlflow.set_tracking_uri(TRACKING_SERVER)
    return mlflow.start_run(run_name=name)


def local():
    # ok: plaintext-endpoint-cluster-python
    mlflow.set_tracking_uri("http://localhost:5000")
    # ok: plaintext-endpoint-cluster-python
    return boto3.client("s3", endpoint_url="http://127.0.0.1:9000")


def from_host():
    # ok: plaintext-endpoint-cluster-python
    return MlflowClient(tracking_uri="http://host.docker.internal:5000")


def templated():
    # ok: plaintext-endpoint-python
    return boto3.client("s3", endpoint_url=f"http://{os.environ['S3_HOST']}:9000")


def check_uri(uri):
    """Accept http:// and https:// tracking URIs (see http://mlflow.org/docs)."""
    if not uri.startswith(("http://", "https://")):
        raise ValueError(f"tracking_uri must be http:// or https://, got {uri}")
    return uri
