#!/usr/bin/env bash
# Coverage-guided fuzzing of the hand-written parsers and the runner's translations, with the
# toolchain's libFuzzer and AddressSanitizer: `scripts/fuzz.sh [SECONDS] [TARGET...]` builds each
# target in Fuzz/ and runs it for SECONDS (default 60), or until FUZZ_RUNS inputs if that is set
# and comes first, on a working corpus seeded from Fuzz/corpus/TARGET. A parser's target is
# compiled together with its one module's sources; a runner target (template, API Gateway) is
# linked against the runner's modules, built once by SwiftPM with the same instrumentation
# (.build-fuzz). Any
# crash, trap or sanitizer report fails the script and leaves the input that caused it in
# .build/fuzz/ (`crash-*`), to replay with `.build/fuzz/TARGET .build/fuzz/crash-...`. Each run
# ends with libFuzzer's figures; then the corpora of the JSON, YAML and HTTP request targets
# are replayed beside Python's json, PyYAML and h11 (scripts/fuzz-differential.py), with YAML
# documents built from its tokens (scripts/yaml-token-inputs.py), and any input ours reads
# differently fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
declare -A module=(
  [json-round-trip]=RaidHubJSON
  [http-request-split]=RaidHubHTTP
  [http-response-split]=RaidHubHTTP
  [yaml-reader]=RaidHubYAML
  [template-reading]=RaidHubTemplate
  [gateway-event]=RaidHubAPIGatewayEmulator
  [gateway-response]=RaidHubAPIGatewayEmulator
)
# The targets linked against the runner's modules rather than compiled with their module's sources.
declare -A runner_module=([template-reading]=1 [gateway-event]=1 [gateway-response]=1)
# The independent implementation each target's corpus is set beside after its run
# (scripts/fuzz-differential.py): the Python module it needs.
declare -A reference=(
  [json-round-trip]=json
  [http-request-split]=h11
  [yaml-reader]=yaml
)
# Code some targets share, compiled into them.
declare -A shared=(
  [json-round-trip]=Fuzz/Shared/emit.swift
  [http-request-split]="Fuzz/Shared/split-stream.swift Fuzz/Shared/emit.swift"
  [http-response-split]=Fuzz/Shared/split-stream.swift
  [yaml-reader]=Fuzz/Shared/emit.swift
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json-round-trip http-request-split http-response-split yaml-reader template-reading gateway-event gateway-response)
mkdir -p .build/fuzz
runs=()
[ -z "${FUZZ_RUNS:-}" ] || runs=(-runs="$FUZZ_RUNS")

# The runner's modules a target links (the API Gateway emulator and what it depends on: Swift
# modules, Foundation, C modules), instrumented as the targets are, in release mode with testing
# enabled so a target can reach internal types.
runner_objects=()
runner_c_modules=()
build_runner() {
  [ ${#runner_objects[@]} -eq 0 ] || return 0
  swift build -c release --scratch-path .build-fuzz --target RaidHubAPIGatewayEmulator \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing >.build/fuzz/runner.build.log 2>&1 \
    || { echo "building the runner's modules for fuzzing failed:" >&2; tail -30 .build/fuzz/runner.build.log >&2; exit 1; }
  # The module and those it depends on, as SwiftPM reads Package.swift; of each, the objects
  # of the sources there are now (a file removed since an earlier build left its object
  # behind, and a module no longer depended on left all of its own: neither is linked).
  local modules module file object
  modules=$(swift package dump-package | python3 -c '
import json, sys
targets = {t["name"]: t for t in json.load(sys.stdin)["targets"]}
def closure(name, seen):
    seen.add(name)
    for dependency in targets[name].get("dependencies", []):
        for kind in ("byName", "target"):
            if kind in dependency and dependency[kind][0] in targets and dependency[kind][0] not in seen:
                closure(dependency[kind][0], seen)
    return seen
print(" ".join(sorted(closure("RaidHubAPIGatewayEmulator", set()))))')
  for module in $modules; do
    [ ! -e ".build-fuzz/release/$module.build/module.modulemap" ] \
      || runner_c_modules+=(-Xcc -fmodule-map-file=".build-fuzz/release/$module.build/module.modulemap" -Xcc -I -Xcc "Sources/$module/include")
    while IFS= read -r file; do
      # SwiftPM names an object after its source's file name, wherever in the module it is.
      object=.build-fuzz/release/$module.build/$(basename "$file").o
      [ -e "$object" ] || { echo "no object for $file in .build-fuzz: the build above did not make it" >&2; exit 1; }
      runner_objects+=("$object")
    done < <(find "Sources/$module" -name '*.swift' -o -name '*.c')
  done
}

compile() {  # TARGET: the target's executable in .build/fuzz
  local target=$1 module=${module[$1]}
  if [ -n "${runner_module[$target]:-}" ]; then
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name "Fuzz_${target//-/_}" \
      -I .build-fuzz/release/Modules "${runner_c_modules[@]}" "Fuzz/$target.swift" "${runner_objects[@]}" -o ".build/fuzz/$target"
  else
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name "Fuzz_${target//-/_}" \
      "Sources/$module"/*.swift "Fuzz/$target.swift" ${shared[$target]:-} -o ".build/fuzz/$target"
  fi
}
for target in "${targets[@]}"; do
  [ -n "${module[$target]:-}" ] || { echo "unknown target $target; known: ${!module[*]}" >&2; exit 2; }
  echo "== $target (${module[$target]}), ${seconds} s"
  [ -z "${runner_module[$target]:-}" ] || build_runner
  # The linker's notes about sanitizer symbols are noise; real errors fail the build.
  compile "$target" 2>.build/fuzz/"$target".build.log || { cat .build/fuzz/"$target".build.log >&2; exit 1; }
  corpus=.build/fuzz/corpus/$target
  mkdir -p "$corpus"
  cp -n Fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  # -rss_limit_mb: a leak or runaway allocation is a finding too. Inputs up to 64 KiB.
  # Swift's own backtracer would run under AddressSanitizer after a trap and be reported itself.
  # The YAML and HTTP targets mutate with their tokens too (Fuzz/yaml.dict, Fuzz/http.dict): bytes
  # alone seldom make them.
  dict=()
  case $target in
    yaml-reader | template-reading) dict=(-dict="$PWD/Fuzz/yaml.dict") ;;
    http-request-split | http-response-split) dict=(-dict="$PWD/Fuzz/http.dict") ;;
  esac
  (cd .build/fuzz && SWIFT_BACKTRACE=enable=no "./$target" -max_total_time="$seconds" "${runs[@]}" "${dict[@]}" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 "corpus/$target" 2>"$target.log") || { tail -40 ".build/fuzz/$target.log" >&2; exit 1; }
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)" ".build/fuzz/$target.log" | tail -3
  grep -Eo "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+" ".build/fuzz/$target.log" | tail -1
  if [ -n "${reference[$target]:-}" ]; then
    if python3 -c "import ${reference[$target]}" 2>/dev/null; then
      python3 scripts/fuzz-differential.py "$target" ".build/fuzz/$target" "$corpus"
      if [ "$target" = yaml-reader ]; then
        # And 40,000 documents made of YAML's tokens, the same every run (scripts/yaml-token-inputs.py).
        rm -rf .build/fuzz/yaml-tokens
        python3 scripts/yaml-token-inputs.py 40000 .build/fuzz/yaml-tokens
        python3 scripts/fuzz-differential.py "$target" ".build/fuzz/$target" .build/fuzz/yaml-tokens
      fi
    else
      echo "skipped: the corpus of $target is not set beside Python's ${reference[$target]} (pip install ${reference[$target]/yaml/PyYAML})"
    fi
  fi
done
echo "fuzzing: ${#targets[@]} targets, ${seconds} s each, no crash"
