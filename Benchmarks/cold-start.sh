#!/usr/bin/env bash
# Issue #10's figures for the token functions, each next to its reference in the same run:
# stripped binary size, whole-process cold start for one stdin event (hyperfine -N) and peak RSS
# (/usr/bin/time -v), against a Swift program with no imports built the same way (the floor).
# Usage: Benchmarks/cold-start.sh [RUNS] [PREVIOUS]   (default 500 runs; PREVIOUS: another build's
# authorize-user, measured in the same run as a third command)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}
previous=${2:-}
out=.benchmarks/cold-start
mkdir -p "$out"

# hyperfine 1.16+ feeds stdin with --input; Debian 12's 1.15 cannot, so take it from PyPI then.
hyperfine=$(command -v hyperfine || true)
if [ -z "$hyperfine" ] || ! "$hyperfine" --help | grep -q -- "--input"; then
  if [ ! -x .benchmarks/tools/bin/hyperfine ]; then
    python3 -m pip install --quiet --disable-pip-version-check --target .benchmarks/tools-pip astral-dev-toolchain-hyperfine
    mkdir -p .benchmarks/tools/bin
    cp .benchmarks/tools-pip/bin/hyperfine .benchmarks/tools/bin/hyperfine 2>/dev/null \
      || cp "$(find .benchmarks/tools-pip -name hyperfine -type f | head -1)" .benchmarks/tools/bin/hyperfine
    chmod +x .benchmarks/tools/bin/hyperfine
  fi
  hyperfine=.benchmarks/tools/bin/hyperfine
fi

bash scripts/release-build.sh --product authorize-user >/dev/null 2>&1
swiftc -O -static-executable Benchmarks/floor/main.swift -o "$out/floor.unstripped"
# Both binaries are made the same way (strip, then a fresh copy): how a file was written changes
# how the page cache holds it, and so the cost of its page faults (seen here: up to 150 us).
strip -o "$out/floor.stripped" "$out/floor.unstripped"
strip -o "$out/authorize-user.stripped" .build/release/authorize-user
binaries="floor authorize-user"
if [ -n "$previous" ]; then strip -o "$out/previous.stripped" "$previous"; binaries="$binaries previous"; fi
for binary in $binaries; do
  rm -f "$out/$binary" && cp "$out/$binary.stripped" "$out/$binary" && rm "$out/$binary.stripped"
done

echo "== binary (stripped)"
for binary in $binaries; do
  linkage=$(ldd "$out/$binary" 2>&1 || true)
  [[ "$linkage" == *"not a dynamic executable"* ]] && linkage="fully static" || linkage="dynamic: $(grep -c '=>' <<<"$linkage") shared libraries"
  printf '%-16s %6.2f MB   %s\n' "$binary" "$(stat -c %s "$out/$binary" | awk '{print $1 / 1e6}')" "$linkage"
done
echo "Foundation or ICU symbols in authorize-user: $(nm .build/release/authorize-user | grep -cE '\$s(10Foundation|20FoundationEssentials|33FoundationInternationalization)|_icu_|ucol_|ubrk_' || true)"

source scripts/dev-env.sh
event=functions/authorize-user/events/http-v2-success.json
echo "== cold start: one event on stdin, $runs runs each (hyperfine -N)"
"$hyperfine" -N --warmup 20 --runs "$runs" --input "$event" --export-json "$out/hyperfine.json" \
  --command-name floor "$out/floor" --command-name authorize-user "$out/authorize-user" \
  ${previous:+--command-name previous "$out/previous"} | grep -vE '^\s*$'
python3 - "$out/hyperfine.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
wall = {r.get("name") or r["command"]: r["summary"]["time_wall_clock"] if "summary" in r else r for r in results}
floor, function = wall["floor"], wall["authorize-user"]
print(f"authorize-user / floor: mean {function['mean'] / floor['mean']:.2f}x, median {function['median'] / floor['median']:.2f}x, "
      f"min {function['min'] / floor['min']:.2f}x")
PY

echo "== peak RSS (/usr/bin/time -v, best of 5)"
for binary in $binaries; do
  best=$(for _ in 1 2 3 4 5; do /usr/bin/time -v "$out/$binary" < "$event" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; done | sort -n | head -1)
  printf '%-16s %6.2f MiB\n' "$binary" "$(awk -v kb="$best" 'BEGIN {print kb / 1024}')"
done
