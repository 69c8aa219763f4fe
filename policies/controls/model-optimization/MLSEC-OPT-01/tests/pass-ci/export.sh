#!/bin/sh
set -eu
# ruleid: model-conversion-command
optimum-cli export onnx --model ./artifacts/review-sentiment --task text-classification onnx/
