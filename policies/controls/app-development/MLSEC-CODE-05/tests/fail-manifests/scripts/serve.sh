#!/bin/sh
set -eu
# ruleid: debug-mode-in-deployment
flask --app sentiment.app run --host 0.0.0.0 --debug
