import os
import ssl
import urllib.request

import requests

# ruleid: tls-verify-disabled-python
os.environ["CURL_CA_BUNDLE"] = ""


def download(url):
    # ruleid: tls-verify-disabled-python
    return requests.get(url, verify=False, timeout=60)


def legacy(url):
    # ruleid: tls-verify-disabled-python
    context = ssl._create_unverified_context()
    return urllib.request.urlopen(url, context=context)


def session():
    client = requests.Session()
    # ruleid: tls-verify-disabled-python
    client.verify = False
    return client


def relaxed():
    context = ssl.create_default_context()
    # ruleid: tls-verify-disabled-python
    context.check_hostname = False
    # ruleid: tls-verify-disabled-python
    context.verify_mode = ssl.CERT_NONE
    return context


async def fetch_async(session, url):
    # ruleid: tls-verify-disabled-python
    async with session.get(url, ssl=False) as response:
        return await response.read()


def fetch_with(url, verify_ssl=True):
    import requests

    return requests.get(url, verify=verify_ssl, timeout=10)


def insecure_download(url):
    # the helper hands the flag to requests: the connection is not verified
    # ruleid: tls-verify-disabled-python
    return fetch_with(url, verify_ssl=False)
