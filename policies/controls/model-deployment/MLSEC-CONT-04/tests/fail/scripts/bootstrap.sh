#!/usr/bin/env bash
set -euo pipefail
# install the model downloader
bash <(curl -fsSL https://example.org/model-fetch/install.sh)
curl -sSL https://example.org/get-pip.py | python3
