#!/usr/bin/env bash
# The deployment checks that can run without a Docker engine (issue #5): the template, the
# Dockerfile, and the binaries the images would contain, built and run as the image would.
set -euo pipefail
cd "$(dirname "$0")/.."
export SAM_CLI_TELEMETRY=0

echo "== cfn-lint template.yaml"
cfn-lint template.yaml
echo "== sam validate --lint"
sam validate --lint --template template.yaml
echo "== hadolint Dockerfile"
hadolint Dockerfile
if [ -f openapi.yaml ]; then
  echo "== openapi-spec-validator openapi.yaml"
  openapi-spec-validator openapi.yaml
fi

# What `docker build` would compile for each function, then a smoke run of each binary on a
# sample event from stdin with the development secrets.
functions=$(ls functions)
source scripts/dev-env.sh
for function in $functions; do
  echo "== swift build -c release --static-swift-stdlib --product $function"
  swift build -c release --static-swift-stdlib --product "$function"
done
swift build -c release --product local-runner
bin=$(swift build -c release --show-bin-path)
for function in $functions; do
  event=$(ls functions/"$function"/events/http-v2-*.json | head -1)
  expected_start=$(head -c 20 functions/"$function"/events/expected/"$(basename "$event")")
  echo "== smoke: $function < $event"
  answer=$("$bin/$function" < "$event")
  [[ "$answer" == "$expected_start"* ]] || { echo "unexpected answer from $function: ${answer:0:200}" >&2; exit 1; }
  if ldd "$bin/$function" | grep -q libswift; then echo "$function links the Swift runtime dynamically" >&2; exit 1; fi
  echo "== local-runner (release) invoke $function"
  answer=$("$bin/local-runner" invoke "$function" --event "$event" 2>/dev/null)
  [[ "$answer" == "$expected_start"* ]] || { echo "unexpected answer from local-runner invoke $function: ${answer:0:200}" >&2; exit 1; }
done
echo "deployment checks passed"
