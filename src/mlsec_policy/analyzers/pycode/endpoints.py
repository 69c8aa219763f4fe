"""Plain-http service endpoints whose URL is written somewhere else than the client call.

The endpoints are those MLSEC-FETCH-01 names beside downloads: an MLflow tracking or registry
URI (``mlflow.set_tracking_uri(uri)``, ``MlflowClient(tracking_uri=...)``) and an
S3-compatible object store (``boto3.client("s3", endpoint_url=...)``). When the URL is a
constant of another module, a configuration key or a parameter default that holds
``http://`` to a public host, the finding is at the call and its data flow names where the
URL is written — the mechanism of :mod:`.downloads`. A literal, or a constant of the same
module, is the semgrep rule's to see.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.pycode.downloads import origin_findings
from mlsec_policy.analyzers.pycode.encoding import searched
from mlsec_policy.analyzers.read.pysymbols import keyword, last_name
from mlsec_policy.models import ArtifactKind

SETTERS = re.compile(r"^(?:set_tracking_uri|set_registry_uri)$")
"""Calls that take the endpoint as their first argument (or ``uri=``)."""
KEYWORDS = ("tracking_uri", "registry_uri", "endpoint_url")
"""Keyword arguments that name an endpoint, whatever the call."""
PREFILTER = re.compile(
    rb"set_(?:tracking|registry)_uri|(?:tracking_uri|registry_uri|endpoint_url)\s*="
)
ANCHORS = (b"_uri", b"endpoint_url")
"""Every match of :data:`PREFILTER` holds one of these: substring tests (C, no regular
expression engine) turn down almost every file before the expression runs."""


def plaintext_endpoint_origins(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield client calls whose plain-http endpoint is a constant elsewhere, a key or a default."""
    data = searched(context)
    if not any(anchor in data for anchor in ANCHORS) or not PREFILTER.search(data):
        return
    yield from origin_findings(context, context.read_bytes(), _endpoint_target, "endpoint")


def _endpoint_target(call: ast.Call) -> ast.expr | None:
    if SETTERS.match(last_name(call.func)):
        return keyword(call, "uri") or (call.args[0] if call.args else None)
    for name in KEYWORDS:
        value = keyword(call, name)
        if value is not None:
            return value
    return None


ENDPOINT_ORIGINS = AnalyzerSpec(
    name="python-plaintext-endpoint-origin",
    description="Tracking-server and object-store clients whose http:// endpoint is a constant "
    "of another module, a configuration key or a parameter default (reported at the call, "
    "linked to the URL).",
    kinds=frozenset({ArtifactKind.PYTHON}),
    params=NO_PARAMS,
    file=plaintext_endpoint_origins,
)
