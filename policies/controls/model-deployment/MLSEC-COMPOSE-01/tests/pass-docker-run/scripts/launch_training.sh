#!/usr/bin/env bash
set -euo pipefail
IMAGE=registry.example.com/trainer:2.1.0
# Never add --privileged or mount /var/run/docker.sock here: the GPU comes from --gpus.
docker run --rm --gpus all --cap-drop ALL --cap-add NET_BIND_SERVICE \
  --security-opt no-new-privileges --security-opt seccomp=profiles/trainer.json \
  -v "$PWD/data:/data:ro" "$IMAGE" python train.py
echo "docker run --privileged is not needed" > /dev/null
docker run --privileged=false "$IMAGE" python eval.py

# a debugger sidecar that shares only the server container's process namespace
docker run -d --name debugger --pid=container:server --cap-add=SYS_PTRACE "$IMAGE" sleep infinity
