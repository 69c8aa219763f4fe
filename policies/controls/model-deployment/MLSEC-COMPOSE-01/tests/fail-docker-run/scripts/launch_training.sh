#!/usr/bin/env bash
set -euo pipefail
IMAGE=registry.example.com/trainer:2.1.0

# profiling run needs perf events
docker run --rm --gpus all --security-opt seccomp=unconfined "$IMAGE" python profile.py

docker run --rm \
  --gpus all \
  --cap-add=SYS_ADMIN \
  -v "$PWD/data:/data" \
  "$IMAGE" python train.py --config configs/base.yaml

docker run -d --name builder -v /var/run/docker.sock:/var/run/docker.sock docker:26-cli sleep infinity

EXTRA_DOCKER_ARGS="--privileged --ipc=host"
docker run $EXTRA_DOCKER_ARGS "$IMAGE" python eval.py

# attach a profiler to the serving process running on the host
docker run --rm --pid=host \
  --cap-add SYS_PTRACE "$IMAGE" py-spy dump --pid 1
