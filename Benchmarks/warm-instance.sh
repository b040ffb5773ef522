#!/usr/bin/env bash
# Issue #10's warm-instance figures, each next to its reference in the same run:
# - the Runtime API loop's CPU per invocation outside the handler (our socket client, a floor
#   doing the same exchanges with no parsing, and the URLSession client);
# - a real authorize-user process's RSS after 10,000 and after COUNT invocations through the
#   Runtime API (each with a new request id and trace id, as on Lambda). Give a second
#   executable (e.g. the previous build's) to measure it in the same run.
# Usage: Benchmarks/warm-instance.sh [COUNT] [REFERENCE_EXECUTABLE]   (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
bash scripts/release-build.sh --product raidhub-benchmarks >/dev/null 2>&1
bash scripts/release-build.sh --product authorize-user >/dev/null 2>&1
source scripts/dev-env.sh
.build/release/raidhub-benchmarks runtime-overhead 100000
.build/release/raidhub-benchmarks warm-instance .build/release/authorize-user "$count"
if [ -n "${2:-}" ]; then
  .build/release/raidhub-benchmarks warm-instance "$2" "$count"
fi
