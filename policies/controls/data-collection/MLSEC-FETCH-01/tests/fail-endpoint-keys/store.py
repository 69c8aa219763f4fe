"""Endpoint keys held in constants of this module, the dicts built from them.

semgrep's constant propagation reads the key through the constant; the whole-file condition of
the dict branch (docs/rule-performance.md, session 28) holds because the module spells the key.
"""

import boto3

ENDPOINT_KEY = "endpoint_url"
REGISTRY_KEY = "registry_uri"
STORE = "http://objects.example.net:9000"
CLUSTER_STORE = "http://minio.mlops.svc:9000"


def public_store():
    # ruleid: plaintext-endpoint-python
    return boto3.client("s3", **{ENDPOINT_KEY: STORE})


def cluster_store():
    # ruleid: plaintext-endpoint-cluster-python
    settings = {"region_name": "eu-west-1", ENDPOINT_KEY: CLUSTER_STORE}
    return boto3.client("s3", **settings)


def registry_settings():
    # ruleid: plaintext-endpoint-python
    return {REGISTRY_KEY: "http://registry.example.com:5000"}
