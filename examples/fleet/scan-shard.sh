#!/usr/bin/env bash
# Clone one shard of a repository list and scan it: scan-shard.sh INDEX COUNT LIST BASE_URL OUT
#
# LIST holds one "owner/name" per line (blank lines and lines starting with # are skipped).
# The shard is every COUNT-th repository starting at INDEX (0-based) — the same slice as
# `mlsec-policy fleet --shard INDEX/COUNT` — so COUNT workers cover the list exactly once.
# Each repository is cloned shallowly from BASE_URL/owner/name; GIT_TOKEN, when set, is sent
# as an HTTP header (never written into a URL or a file). Reports land in OUT/reports/.
# Further arguments go to every scan. Exit: the worst scan exit code (0, 1 or 3).
set -euo pipefail

index="$1" count="$2" list="$3" base="$4" out="$5"
shift 5
mkdir -p "$out/clones"
: > "$out/clones.txt"
position=0
while IFS= read -r line || [ -n "$line" ]; do
  repo="$(echo "$line" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')"
  case "$repo" in ""|\#*) continue ;; esac
  if [ $((position % count)) -eq "$index" ]; then
    dest="$out/clones/${repo//\//__}"
    auth=()
    if [ -n "${GIT_TOKEN:-}" ]; then
      auth=(-c "http.extraHeader=Authorization: Bearer $GIT_TOKEN")
    fi
    if git ${auth[@]+"${auth[@]}"} clone --quiet --depth 1 "$base/$repo" "$dest"; then
      echo "$dest" >> "$out/clones.txt"
    else
      echo "could not clone $repo; it is left out of this shard's reports" >&2
    fi
  fi
  position=$((position + 1))
done < "$list"

if [ ! -s "$out/clones.txt" ]; then
  echo "shard $index/$count: nothing to scan" >&2
  exit 0
fi
mlsec-policy fleet "$out/clones.txt" --out "$out" --no-merge --jobs "${FLEET_JOBS:-2}" -- "$@"
