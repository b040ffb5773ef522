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
# sample event from stdin with the development secrets. The token functions are fully static
# executables in release builds (Package.swift); authorize-bungie links libcurl, so it links the
# Swift runtime statically and keeps glibc and libcurl dynamic.
token_functions="authorize-user authorize-admin authorizer whoami"
functions=$(ls functions)
source scripts/dev-env.sh
for function in $token_functions; do
  echo "== swift build -c release --product $function"
  swift build -c release --product "$function"
done
echo "== swift build -c release --static-swift-stdlib --product authorize-bungie"
swift build -c release --static-swift-stdlib --product authorize-bungie
swift build -c release --product local-runner
bin=$(swift build -c release --show-bin-path)
for function in $functions; do
  event=$(ls functions/"$function"/events/http-v2-*.json | head -1)
  expected_start=$(head -c 20 functions/"$function"/events/expected/"$(basename "$event")")
  echo "== smoke: $function < $event"
  answer=$("$bin/$function" < "$event")
  [[ "$answer" == "$expected_start"* ]] || { echo "unexpected answer from $function: ${answer:0:200}" >&2; exit 1; }
  if (ldd "$bin/$function" 2>&1 || true) | grep -q libswift; then echo "$function links the Swift runtime dynamically" >&2; exit 1; fi
  echo "== local-runner (release) invoke $function"
  answer=$("$bin/local-runner" invoke "$function" --event "$event" 2>/dev/null)
  [[ "$answer" == "$expected_start"* ]] || { echo "unexpected answer from local-runner invoke $function: ${answer:0:200}" >&2; exit 1; }
done

# Issue #10: each token function is the whole function: fully static, no Foundation or ICU,
# at most 10 MB stripped, and it answers from an empty root file system (stdin and the Runtime
# API), so a library missing from an image cannot fail a deploy.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for function in $token_functions; do
  echo "== static: $function"
  linkage=$(ldd "$bin/$function" 2>&1 || true)  # ldd exits 1 for a static executable
  [[ "$linkage" == *"not a dynamic executable"* ]] || { echo "$function is not a static executable: $linkage" >&2; exit 1; }
  if nm "$bin/$function" | grep -qE '\$s(10Foundation|20FoundationEssentials|33FoundationInternationalization)|_icu_|ucol_|ubrk_'; then
    echo "$function contains Foundation or ICU symbols" >&2; exit 1
  fi
  strip -o "$work/$function.stripped" "$bin/$function"
  size=$(stat -c %s "$work/$function.stripped")
  echo "$function: $size bytes stripped"
  (( size <= 10 * 1000 * 1000 )) || { echo "$function is over 10 MB stripped" >&2; exit 1; }
  # The root holds /bootstrap and an empty /proc, where the kernel's process file system is
  # mounted as Lambda (and any container runtime) mounts it: the Swift runtime reads
  # /proc/self to find itself. A private mount namespace keeps the mount out of the host.
  root="$work/root-$function"
  mkdir -p "$root/proc" && cp "$work/$function.stripped" "$root/bootstrap"
  runner="$work/in-empty-root-$function"
  printf '#!/bin/sh\nexec unshare --mount --fork sh -c '"'"'mount -t proc proc "%s/proc" && exec chroot "%s" /bootstrap "$@"'"'"' sh "$@"\n' "$root" "$root" > "$runner"
  chmod +x "$runner"
  if ! "$runner" --help >/dev/null 2>&1; then
    echo "skipped: unshare/chroot not permitted here (needs root); $function was not run in an empty root"
    continue
  fi
  event=$(ls functions/"$function"/events/http-v2-*.json | head -1)
  expected_start=$(head -c 20 functions/"$function"/events/expected/"$(basename "$event")")
  answer=$("$runner" < "$event")
  [[ "$answer" == "$expected_start"* ]] || { echo "$function in an empty root answered: ${answer:0:200}" >&2; exit 1; }
  posted=$(python3 scripts/runtime-api-server.py "$runner" "$event" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["posted"][0]["body"][:20])')
  [[ "$posted" == "$expected_start"* ]] || { echo "$function in an empty root posted: $posted" >&2; exit 1; }
  echo "$function answers in an empty root, from stdin and through the Runtime API"
done
echo "deployment checks passed"
