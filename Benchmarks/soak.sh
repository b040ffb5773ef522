#!/usr/bin/env bash
# A warm local-runner under load for a while (issue #11: memory and descriptors stay flat):
# start-api (release build) under `wrk -t2 -c32` POST /authorize/user, sampling the runner's
# resident memory, descriptors and threads every 10 s, then the growth per million requests.
# Usage: Benchmarks/soak.sh [SECONDS]   (default 120). Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
source Benchmarks/release-runner.sh
port=3995
runner=
out=$(mktemp)
trap '[ -n "$runner" ] && { kill -INT "$runner" 2>/dev/null; wait "$runner" 2>/dev/null || true; }; rm -f "$out"' EXIT
start_release_runner "$port"
sample() { echo "$(grep VmRSS "/proc/$runner/status" | awk '{print $2}') $(ls "/proc/$runner/fd" | wc -l) $(ls "/proc/$runner/task" | wc -l)"; }
wrk -t2 -c32 -d10s -s Benchmarks/post-authorize-user.lua "http://127.0.0.1:$port/authorize/user" >/dev/null  # warm-up
read -r rss_start fds_start threads_start <<<"$(sample)"
wrk -t2 -c32 -d"${seconds}s" -s Benchmarks/post-authorize-user.lua "http://127.0.0.1:$port/authorize/user" >"$out" &
load=$!
echo "   s   RSS KiB  descriptors  threads"
for ((t = 0; t <= seconds; t += 10)); do
  read -r rss fds threads <<<"$(sample)"
  printf "%4d  %8d  %11d  %7d\n" "$t" "$rss" "$fds" "$threads"
  [ "$t" -lt "$seconds" ] && sleep 10
done
wait "$load"
read -r rss_end fds_end threads_end <<<"$(sample)"
requests=$(awk '/requests in/ {print $1}' "$out")
grep -E "requests in|Non-2xx|Socket errors" "$out"
python3 -c "print(f'RSS {$rss_start} -> {$rss_end} KiB over {$requests:,} requests: {($rss_end - $rss_start) / ($requests / 1e6):+.0f} KiB per million; descriptors {$fds_start} -> {$fds_end}, threads {$threads_start} -> {$threads_end}')"
