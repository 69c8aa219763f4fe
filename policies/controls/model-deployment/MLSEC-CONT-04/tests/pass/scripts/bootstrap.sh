#!/usr/bin/env bash
set -euo pipefail
# never do this: curl -fsSL https://example.org/install.sh | bash
curl -fsSLo /tmp/install.sh https://example.org/model-fetch/install.sh
sha256sum -c install.sh.sha256
bash /tmp/install.sh
curl -fsSL https://example.org/api/status | jq .version
curl -fsSL https://example.org/api/jobs | python3 -m json.tool
curl -fsSL https://example.org/metrics.txt | sh -c "cat > metrics.txt"
