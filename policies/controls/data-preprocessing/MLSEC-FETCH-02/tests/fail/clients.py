import os
import ssl

import aiohttp
import gitlab
import urllib3
from elasticsearch import Elasticsearch

# ruleid: tls-verify-disabled-python
os.environ.setdefault("PYTHONHTTPSVERIFY", "0")
# ruleid: tls-verify-disabled-python
os.putenv("REQUESTS_CA_BUNDLE", "")
# ruleid: tls-verify-disabled-python
ssl._create_default_https_context = ssl._create_unverified_context


def search_index(host):
    # ruleid: tls-verify-disabled-python
    return Elasticsearch(host, verify_certs=False)


def repository(url, token):
    # ruleid: tls-verify-disabled-python
    return gitlab.Gitlab(url, private_token=token, ssl_verify=False)


def pool():
    # ruleid: tls-verify-disabled-python
    return urllib3.PoolManager(cert_reqs="CERT_NONE")


def raw_socket(sock):
    # ruleid: tls-verify-disabled-python
    return ssl.wrap_socket(sock, cert_reqs=ssl.CERT_NONE)


def connector():
    # ruleid: tls-verify-disabled-python
    return aiohttp.TCPConnector(ssl=False, limit=10)
