import aiohttp
import requests


def remote_rule(url):
    rule = requests.get(url, timeout=10).json()
    # ruleid: eval-of-request-data
    return eval(rule["condition"])
