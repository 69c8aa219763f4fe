#!/bin/sh
# ok: trust-remote-code-flag
exec vllm serve example-org/llama-style-7b --port 8000
