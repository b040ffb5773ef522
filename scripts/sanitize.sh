#!/usr/bin/env bash
# The suite under a sanitizer, as CI runs it: `scripts/sanitize.sh thread` runs the HTTP server's
# and the runner's suites under ThreadSanitizer, `scripts/sanitize.sh address` the whole suite
# under AddressSanitizer and LeakSanitizer (libraries' allocations kept until exit are listed in
# scripts/lsan-suppressions.txt). Each sanitizer builds in a folder of its own (.build-tsan,
# .build-asan), so it never throws away the plain build. Reports from every process the tests
# start (the runner, the functions) go to .build/sanitizer-reports/; any report, or any failed
# test, fails the script. Tests that bound time or memory skip themselves, with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/sanitize.sh thread|address}
reports=$PWD/.build/sanitizer-reports/$kind
rm -rf "$reports" && mkdir -p "$reports"
case $kind in
  thread)
    export TSAN_OPTIONS="log_path=$reports/report"
    filter=(--filter "RaidHubHTTPTests|RaidHubTemplateTests|RaidHubLambdaEmulatorTests|RaidHubAPIGatewayEmulatorTests|RaidHubLocalRunnerTests")
    scratch=.build-tsan ;;
  address)
    export ASAN_OPTIONS="log_path=$reports/report" LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"
    filter=()
    scratch=.build-asan ;;
  *) echo "unknown sanitizer $kind: thread or address" >&2; exit 2 ;;
esac
status=0
log=$PWD/.build/sanitizer-reports/$kind.log
swift test --sanitize="$kind" --scratch-path "$scratch" "${filter[@]}" >"$log" 2>&1 || status=1
# Failures, skips and the totals; the whole log stays in $log.
grep -E "^(✘|➜)|Test run with|Executed [0-9]+ tests|error:" "$log" || true
found=$(find "$reports" -type f | wc -l)
if [ "$found" -gt 0 ]; then
  echo "error: $found ${kind} sanitizer report(s):" >&2
  for report in "$reports"/*; do sed -n 1,60p "$report" >&2; done
  status=1
fi
[ $status -eq 0 ] && echo "sanitize $kind: clean"
exit $status
