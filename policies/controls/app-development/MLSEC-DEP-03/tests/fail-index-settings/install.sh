#!/bin/sh
set -eu
# ruleid: plaintext-package-index-setting
python -m pip install --extra-index-url=http://wheels.example.org/simple -r requirements.txt
