#!/bin/sh
set -eu
# ruleid: model-conversion-command
tflite_convert --saved_model_dir=export/saved --output_file=export/model.tflite
# tflite_convert is run by hand only on release days
