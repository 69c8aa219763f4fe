import os
import ssl

import requests

CA_BUNDLE = "/etc/ssl/certs/corporate-ca.pem"
# ok: tls-verify-disabled-python
os.environ["REQUESTS_CA_BUNDLE"] = CA_BUNDLE


def download(url):
    # ok: tls-verify-disabled-python
    return requests.get(url, verify=CA_BUNDLE, timeout=60)


def strict():
    context = ssl.create_default_context(cafile=CA_BUNDLE)
    # ok: tls-verify-disabled-python
    context.check_hostname = True
    return context


def read_token(token, key):
    import jwt

    # signature options, not TLS
    # ok: tls-verify-disabled-python
    return jwt.decode(token, key, algorithms=["HS256"], verify=False)


def triton(url):
    import tritonclient.http as client

    # ssl=False here selects plain HTTP to a local server; it does not skip verification
    # ok: tls-verify-disabled-python
    return client.InferenceServerClient(url=url, verbose=False, ssl=False)


def _settings(verify_ssl):
    from unittest.mock import MagicMock

    settings = MagicMock()
    settings.network.verify_ssl = verify_ssl
    return settings


def test_mapping_of_the_tls_setting():
    from types import SimpleNamespace
    from unittest.mock import MagicMock

    # test doubles: no connection is made
    # ok: tls-verify-disabled-python
    settings = _settings(verify_ssl=False)
    # ok: tls-verify-disabled-python
    client = MagicMock(verify_ssl=False)
    session = MagicMock()
    # ok: tls-verify-disabled-python
    session.verify = False
    # ok: tls-verify-disabled-python
    options = SimpleNamespace(verify=False)
    return settings, client, session, options
