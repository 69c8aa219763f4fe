import os
import ssl

import aiohttp
import gitlab
import urllib3
from elasticsearch import Elasticsearch

CA_BUNDLE = "/etc/ssl/certs/corporate-ca.pem"
# ok: tls-verify-disabled-python
os.environ.setdefault("REQUESTS_CA_BUNDLE", CA_BUNDLE)
# ok: tls-verify-disabled-python
os.putenv("PYTHONHTTPSVERIFY", "1")
# ok: tls-verify-disabled-python
ssl._create_default_https_context = ssl.create_default_context


def search_index(host):
    # ok: tls-verify-disabled-python
    return Elasticsearch(host, verify_certs=True, ca_certs=CA_BUNDLE)


def repository(url, token):
    # ok: tls-verify-disabled-python
    return gitlab.Gitlab(url, private_token=token, ssl_verify=CA_BUNDLE)


def pool():
    # ok: tls-verify-disabled-python
    return urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs=CA_BUNDLE)


def raw_socket(sock):
    # ok: tls-verify-disabled-python
    return ssl.wrap_socket(sock, cert_reqs=ssl.CERT_REQUIRED, ca_certs=CA_BUNDLE)


def connector():
    # ok: tls-verify-disabled-python
    return aiohttp.TCPConnector(ssl=ssl.create_default_context(cafile=CA_BUNDLE), limit=10)
