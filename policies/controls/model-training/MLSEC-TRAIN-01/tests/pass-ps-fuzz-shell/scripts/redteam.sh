#!/bin/sh
set -eu
prompt-security-fuzzer --batch --system-prompt-file prompts/system.txt
