#!/usr/bin/env bash
# Issue #3's figures: cold start of a static release binary answering one event on stdin, and the
# Runtime API round trip per invocation, each next to references measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
for product in authorize-user authorizer; do
  bash scripts/release-build.sh --product "$product" >/dev/null  # fully static in release (Package.swift)
done

source scripts/dev-env.sh
event=functions/authorize-user/events/http-v2-success.json
echo "== cold start: one stdin invocation (40 runs)"
references=("cat=cat")
if python3 -c "import jwt" 2>/dev/null; then references+=("Python 3.11 + PyJWT handler=python3 Benchmarks/reference_handler.py"); fi
python3 Benchmarks/cold_start.py 40 "$event" -- "authorize-user (static, release)=.build/release/authorize-user" "${references[@]}"
echo "== Runtime API round trip: /next answered -> /response received (1000 invocations, one connection)"
for client in ".build/release/authorize-user" "Benchmarks/reference_runtime_client.py"; do
  python3 scripts/runtime-api-server.py --repeat 1000 "$client" "$event" \
    | python3 -c "import json,sys; r=json.load(sys.stdin); t=r['roundTripMicroseconds']; print(f\"{sys.argv[1]:<44}min {t['min']:7.1f} us   median {t['median']:7.1f} us   connections {r['connections']}\")" "$client"
done
