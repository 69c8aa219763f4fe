"""Endpoint keys this module never spells, only builds from parts.

semgrep's constant propagation joins the parts, and the endpoint checks of MLSEC-FETCH-01
matched the dicts below until the dict branch got its whole-file condition (the text must
spell the key's whole name): they are no longer reported (docs/rule-performance.md, session
28). Nothing in this file may spell those names, not even an annotation naming a check, or the
lines are reported again; tests/expected.yaml says this case passes with no finding.
"""

import boto3

PREFIX = "endpoint"


def public_store():
    return boto3.client("s3", **{PREFIX + "_url": "http://objects.example.net:9000"})


def cluster_store():
    return boto3.client("s3", **{"endpoint" "_url": "http://minio.mlops.svc:9000"})


def tracking_settings():
    return {f"{'tracking'}_uri": "http://mlflow.example.com:5000"}
