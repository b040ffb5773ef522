#!/usr/bin/env bash
# start-api beside another build of itself in the same minutes: both runners started (release
# builds, each with its own functions), then short wrk runs alternating between them, so a
# machine that speeds up or slows down weighs on both alike. Prints each run, then the medians
# of requests per second and of the runner's CPU per request, and the ratio (this / other).
# The other build is a checkout, e.g. `git worktree add /tmp/prev <commit>`; its release
# products must be built (`scripts/release-build.sh --product local-runner` and the functions,
# there, or its Benchmarks/release-runner.sh).
# Usage: Benchmarks/start-api-ab.sh OTHER_CHECKOUT [ROUNDS] [SECONDS]   (default 6 rounds of 5 s)
set -euo pipefail
cd "$(dirname "$0")/.."
other=$(cd "$1" && pwd)
rounds=${2:-6}
seconds=${3:-5}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk): skipped"; exit 0; }
[ -x "$other/.build/release/local-runner" ] || { echo "no release local-runner in $other/.build/release: build it there first"; exit 1; }
for product in local-runner authorize-user authorize-admin authorizer whoami authorize-bungie; do
  bash scripts/release-build.sh --product "$product" >/dev/null
done
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
start() {  # CHECKOUT PORT: starts its release runner there (its template, env file and functions)
  (cd "$1" && exec .build/release/local-runner start-api --port "$2" 2>/dev/null) &
  pids+=($!)
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$2/" && return 0; sleep 0.1; done
  echo "the runner in $1 did not start on port $2"; exit 1
}
start "$PWD" 3994
start "$other" 3995
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() {  # PID PORT: requests/s and the runner's CPU microseconds per request over one run
  local before after out
  before=$(ticks "$1")
  out=$(wrk -t2 -c32 -d"${seconds}s" -s Benchmarks/post-authorize-user.lua "http://127.0.0.1:$2/authorize/user")
  after=$(ticks "$1")
  python3 -c "import sys; r=float(sys.argv[1]); n=int(sys.argv[2]); print(f'{r:.0f} {(int(sys.argv[3]) / $(getconf CLK_TCK)) / n * 1e6:.1f}')" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" "$(echo "$out" | awk '/requests in/ {print $1}')" "$((after - before))"
}
# Warm both: every instance started.
wrk -t2 -c32 -d2s -s Benchmarks/post-authorize-user.lua "http://127.0.0.1:3994/authorize/user" >/dev/null
wrk -t2 -c32 -d2s -s Benchmarks/post-authorize-user.lua "http://127.0.0.1:3995/authorize/user" >/dev/null
this=() that=()
for round in $(seq 1 "$rounds"); do
  # Alternate which goes first, so neither always runs right after the other.
  if [ $((round % 2)) -eq 1 ]; then a=$(run "${pids[0]}" 3994); b=$(run "${pids[1]}" 3995); else b=$(run "${pids[1]}" 3995); a=$(run "${pids[0]}" 3994); fi
  this+=("$a"); that+=("$b")
  echo "round $round: this $a   other $b   (req/s, runner CPU us/request)"
done
python3 - "${this[*]}" "${that[*]}" <<'PY'
import statistics, sys
def parse(text):
    values = [float(v) for v in text.split()]
    return values[0::2], values[1::2]
(this_rps, this_us), (that_rps, that_us) = parse(sys.argv[1]), parse(sys.argv[2])
m = statistics.median
print(f"median req/s: this {m(this_rps):,.0f}, other {m(that_rps):,.0f}: ratio {m(this_rps) / m(that_rps):.3f}")
print(f"median runner CPU per request: this {m(this_us):.1f} us, other {m(that_us):.1f} us: ratio {m(this_us) / m(that_us):.3f}")
PY
