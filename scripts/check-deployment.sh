#!/usr/bin/env bash
# The deployment checks that can run without a Docker engine (issue #5): the template, the
# Dockerfile, and the binaries the images would contain, built and run as the image would.
set -euo pipefail
cd "$(dirname "$0")/.."
export SAM_CLI_TELEMETRY=0
# SAM CLI's Python (samtranslator, cfn-lint and sam come with it); .ci/run gives its environment.
sam_python=${SAM_PYTHON:-python3}
sam_bin=$(dirname "$sam_python")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== cfn-lint template.yaml"
"$sam_bin/cfn-lint" template.yaml
echo "== sam validate --lint"
"$sam_bin/sam" validate --lint --template template.yaml
echo "== hadolint Dockerfile"
hadolint Dockerfile
echo "== template promises: secrets, KMS, invoke permissions, authorizer identity sources, image stages"
"$sam_python" scripts/check-template.py
# The permission check must catch what it is for: the template as it was before the authorizer
# had EnableFunctionDefaultPermissions (issue #19), whose protected routes would answer 500.
grep -v "EnableFunctionDefaultPermissions: true" template.yaml > "$work/without-permission.yaml"
if "$sam_python" scripts/check-template.py "$work/without-permission.yaml" > "$work/permission-check.log"; then
  echo "the permission check passed a template whose authorizer API Gateway may not invoke" >&2; exit 1
fi
grep -q "authorizer RaidHubToken invokes AuthorizerFunction, which has no AWS::Lambda::Permission" "$work/permission-check.log"
echo "the permission check refuses the template without the authorizer's permission"
# checkov's CloudFormation, Dockerfile and secrets checks, except six that are decisions, not
# exposures (docs/decisions.md, "checkov"): per-function concurrency limits, dead-letter queues
# (every invocation is synchronous), a VPC (the functions reach only Bungie.net), KMS on the
# access log group (it holds no header, body or secret), and a HEALTHCHECK and a USER in the
# images (Lambda ignores both; a scratch image has no users).
checkov=$(command -v checkov || echo .tools/checkov/bin/checkov)
if [ -x "$checkov" ]; then
  echo "== checkov template.yaml Dockerfile"
  "$checkov" --quiet --compact --skip-download --framework cloudformation dockerfile secrets \
    -f template.yaml -f Dockerfile --skip-check CKV_AWS_115,CKV_AWS_116,CKV_AWS_117,CKV_AWS_158,CKV_DOCKER_2,CKV_DOCKER_3
else
  echo "skipped: checkov is not installed (.ci/run installs it into .tools/checkov)"
fi
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
  echo "== scripts/release-build.sh --product $function"
  bash scripts/release-build.sh --product "$function"
done
echo "== scripts/release-build.sh --static-swift-stdlib --product authorize-bungie"
bash scripts/release-build.sh --static-swift-stdlib --product authorize-bungie
bash scripts/release-build.sh --product local-runner
bin=$(bash scripts/release-build.sh --show-bin-path)
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

# Each bootstrap runs in an empty root file system holding only itself and the shared libraries
# `ldd` lists for it (none for the fully static token functions), answering a sample event from
# stdin and through the Runtime API: a library missing from an image fails here, not at deploy.
# The root also gets an empty /proc, where the kernel's process file system is mounted as Lambda
# (and any container runtime) mounts it: the Swift runtime reads /proc/self to find itself. A
# private mount namespace keeps the mount out of the host.
in_empty_root() {  # FUNCTION EVENT: prints nothing, fails on a wrong answer; returns 2 if not permitted
  local function=$1 event=$2 root="$work/root-$1" runner="$work/in-empty-root-$1" library
  mkdir -p "$root/proc" && cp "$work/$function.stripped" "$root/bootstrap"
  for library in $(ldd "$bin/$function" 2>/dev/null | grep -oE '/[^ ]+' || true); do
    cp --parents -L "$library" "$root"
  done
  printf '#!/bin/sh\nexec unshare --mount --fork sh -c '"'"'mount -t proc proc "%s/proc" && exec chroot "%s" /bootstrap "$@"'"'"' sh "$@"\n' "$root" "$root" > "$runner"
  chmod +x "$runner"
  "$runner" --help >/dev/null 2>&1 || return 2
  local expected_start answer posted
  expected_start=$(head -c 20 functions/"$function"/events/expected/"$(basename "$event")")
  answer=$("$runner" < "$event")
  [[ "$answer" == "$expected_start"* ]] || { echo "$function in an empty root answered: ${answer:0:200}" >&2; exit 1; }
  posted=$(python3 scripts/runtime-api-server.py "$runner" "$event" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["posted"][0]["body"][:20])')
  [[ "$posted" == "$expected_start"* ]] || { echo "$function in an empty root posted: $posted" >&2; exit 1; }
  echo "$function answers in an empty root holding $(find "$root" -type f | wc -l) files, from stdin and through the Runtime API"
}

# Issue #10: each token function is the whole function: fully static, no Foundation or ICU, at
# most 10 MB stripped.
for function in $functions; do
  strip -o "$work/$function.stripped" "$bin/$function"
done
for function in $token_functions; do
  echo "== static: $function"
  linkage=$(ldd "$bin/$function" 2>&1 || true)  # ldd exits 1 for a static executable
  [[ "$linkage" == *"not a dynamic executable"* ]] || { echo "$function is not a static executable: $linkage" >&2; exit 1; }
  if nm "$bin/$function" | grep -qE '\$s(10Foundation|20FoundationEssentials|33FoundationInternationalization)|_icu_|ucol_|ubrk_'; then
    echo "$function contains Foundation or ICU symbols" >&2; exit 1
  fi
  size=$(stat -c %s "$work/$function.stripped")
  echo "$function: $size bytes stripped"
  (( size <= 10 * 1000 * 1000 )) || { echo "$function is over 10 MB stripped" >&2; exit 1; }
done
for function in $functions; do
  echo "== empty root: $function"
  # authorize-bungie's first events call Bungie.net; a missing code is answered without it.
  event=functions/$function/events/http-v2-missing-code.json
  [ -f "$event" ] || event=$(ls functions/"$function"/events/http-v2-*.json | head -1)
  status=0; in_empty_root "$function" "$event" || status=$?
  if [ "$status" = 2 ]; then
    echo "skipped: unshare/chroot not permitted here (needs root); no bootstrap was run in an empty root"
    break
  fi
done
echo "deployment checks passed"
