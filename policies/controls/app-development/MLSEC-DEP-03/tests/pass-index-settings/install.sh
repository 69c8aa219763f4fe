#!/bin/sh
set -eu
# pip install --index-url http://wheels.example.org/simple was the old mirror
python -m pip install --index-url http://localhost:3141/simple -r requirements.txt
