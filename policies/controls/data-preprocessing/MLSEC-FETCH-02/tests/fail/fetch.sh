#!/bin/sh
set -eu
# certificate checks switched off
curl -fsSk https://datasets.example.com/reviews.tgz -o data/raw.tgz
# certificate checks switched off
wget --no-check-certificate https://models.example.com/w.safetensors
