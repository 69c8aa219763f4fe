#!/bin/sh
set -eu
# ok: plaintext-download-shell
wget -q https://datasets.example.com/reviews/reviews-2024.tar.gz -O data/raw.tgz
# ok: plaintext-download-shell
curl -fsS http://localhost:5000/health
