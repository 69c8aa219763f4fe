# The mlsec-policy image for fleet scans (docs/fleet.md): the tool, git and bash, run as an
# unprivileged user. The base is pinned by digest; Dependabot (docker) proposes new digests.
# Build from the repository root:  docker build -t mlsec-policy:0.1.0 .
FROM python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea

RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md /src/
COPY src /src/src
COPY policies /src/policies
COPY schemas /src/schemas
RUN python -m pip install --no-cache-dir /src && rm -rf /src

COPY examples/fleet/scan-shard.sh /usr/local/bin/scan-shard
RUN chmod 0755 /usr/local/bin/scan-shard \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin scanner

USER 10001
WORKDIR /home/scanner
HEALTHCHECK NONE
ENTRYPOINT ["mlsec-policy"]
CMD ["--help"]
