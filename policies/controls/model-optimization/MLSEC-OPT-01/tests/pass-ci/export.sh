#!/bin/sh
set -eu
optimum-cli export onnx --model ./artifacts/review-sentiment --task text-classification onnx/
