#!/bin/sh
set -eu
# ruleid: plaintext-download-shell
wget -q http://datasets.example.com/reviews/reviews-2024.tar.gz -O data/raw.tgz
