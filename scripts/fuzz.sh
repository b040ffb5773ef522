#!/usr/bin/env bash
# Coverage-guided fuzzing of the hand-written parsers with the toolchain's libFuzzer and
# AddressSanitizer: `scripts/fuzz.sh [SECONDS] [TARGET...]` builds each target in Fuzz/ (with
# the one module it exercises, compiled into it) and runs it for SECONDS (default 60) on a
# working corpus seeded from Fuzz/corpus/TARGET. Any crash, trap or sanitizer report fails the
# script, and leaves the input that caused it in .build/fuzz/ (`crash-*`), to replay with
# `.build/fuzz/TARGET .build/fuzz/crash-...`. Each run ends with libFuzzer's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
declare -A module=(
  [json-round-trip]=RaidHubJSON
  [http-request-split]=RaidHubHTTP
  [http-response-split]=RaidHubHTTP
  [yaml-reader]=RaidHubYAML
)
# Code some targets share, compiled into them.
declare -A shared=(
  [http-request-split]=Fuzz/Shared/split-stream.swift
  [http-response-split]=Fuzz/Shared/split-stream.swift
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json-round-trip http-request-split http-response-split yaml-reader)
mkdir -p .build/fuzz
for target in "${targets[@]}"; do
  [ -n "${module[$target]:-}" ] || { echo "unknown target $target; known: ${!module[*]}" >&2; exit 2; }
  echo "== $target (${module[$target]}), ${seconds} s"
  # The linker's notes about sanitizer symbols are noise; real errors fail the build.
  swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name "Fuzz_${target//-/_}" \
    "Sources/${module[$target]}"/*.swift "Fuzz/$target.swift" ${shared[$target]:-} -o ".build/fuzz/$target" 2>.build/fuzz/"$target".build.log \
    || { cat .build/fuzz/"$target".build.log >&2; exit 1; }
  corpus=.build/fuzz/corpus/$target
  mkdir -p "$corpus"
  cp -n Fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  # -rss_limit_mb: a leak or runaway allocation is a finding too. Inputs up to 64 KiB.
  # Swift's own backtracer would run under AddressSanitizer after a trap and be reported itself.
  (cd .build/fuzz && SWIFT_BACKTRACE=enable=no "./$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 "corpus/$target" 2>"$target.log") || { tail -40 ".build/fuzz/$target.log" >&2; exit 1; }
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)" ".build/fuzz/$target.log" | tail -3
  grep -Eo "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+" ".build/fuzz/$target.log" | tail -1
done
echo "fuzzing: ${#targets[@]} targets, ${seconds} s each, no crash"
