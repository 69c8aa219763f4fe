#!/bin/sh
set -eu
# ok: tls-verify-disabled-shell
curl -fsS --cacert /etc/ssl/certs/corporate-ca.pem https://datasets.example.com/reviews.tgz -o data/raw.tgz
# ok: tls-verify-disabled-shell
wget https://models.example.com/w.safetensors
