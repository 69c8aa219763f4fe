FROM pytorch/torchserve:0.11.0-cpu@sha256:5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c
HEALTHCHECK --interval=30s CMD curl -f http://127.0.0.1:8080/ping || exit 1

FROM pytorch/torchserve:0.11.0-cpu@sha256:5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c
COPY model-store /home/model-server/model-store
CMD ["torchserve", "--start", "--model-store", "/home/model-server/model-store"]
