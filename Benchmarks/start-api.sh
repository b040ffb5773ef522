#!/usr/bin/env bash
# Issue #4's figures: local-runner start-api (release build) under wrk on POST /authorize/user,
# 32 keep-alive connections, then one connection for latency. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk): skipped"; exit 0; }
for product in local-runner authorize-user authorize-admin authorizer; do
  swift build -c release --product "$product" >/dev/null
done
port=3999
.build/release/local-runner start-api --port "$port" 2>/dev/null &
runner=$!
trap 'kill -INT $runner 2>/dev/null; wait $runner 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
url="http://127.0.0.1:$port/authorize/user"
wrk -t2 -c32 -d3s -s Benchmarks/post-authorize-user.lua "$url" >/dev/null  # warm every instance
echo "== 32 connections, 2 wrk threads, 15 s"
wrk -t2 -c32 -d15s --latency -s Benchmarks/post-authorize-user.lua "$url" | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors|requests in"
echo "== 1 connection, 10 s"
wrk -t1 -c1 -d10s --latency -s Benchmarks/post-authorize-user.lua "$url" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors|requests in"
