#!/bin/sh
set -eu
# ruleid: tls-verify-disabled-shell
curl -fsSk https://datasets.example.com/reviews.tgz -o data/raw.tgz
# ruleid: tls-verify-disabled-shell
wget --no-check-certificate https://models.example.com/w.safetensors
