#!/usr/bin/env bash
# `swift build -c release` as the release images, the deployment checks and the benchmarks
# build: `scripts/release-build.sh --product authorize-user` (any `swift build` option passes).
#
# It adds the codegen flag that halves a token function's cold start: generic metadata reached
# through direct accessor calls instead of mangled type names, each of which is demangled at run
# time on first use with a scan of every protocol conformance in the binary (half of a cold
# start's instructions without it, 45 types). It lives here, not in Package.swift: SwiftPM
# refuses a package whose library targets carry unsafe flags as a versioned dependency, and the
# libraries are offered for users' own tests. Every release build of the project goes through
# here, so one build folder is never rebuilt for flags that come and go.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors "$@"
