#!/bin/sh
# ruleid: trust-remote-code-flag
exec vllm serve example-org/chat-7b --trust-remote-code --port 8000
