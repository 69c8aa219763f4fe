#!/bin/sh
set -eu
# certificate checks kept
curl -fsS --cacert /etc/ssl/certs/corporate-ca.pem https://datasets.example.com/reviews.tgz -o data/raw.tgz
# certificate checks kept
wget https://models.example.com/w.safetensors
