#!/usr/bin/env bash
# Builds the benchmarks in release mode and prints ours next to references measured in the same
# run (PyJWT, OpenSSL's SHA-256 with and without SHA-NI). Record the output in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/release-build.sh --product raidhub-benchmarks >/dev/null
echo "== raidhub-benchmarks (release)"
.build/release/raidhub-benchmarks
echo "== references"
if python3 -c "import jwt" 2>/dev/null; then python3 Benchmarks/reference_pyjwt.py; else echo "PyJWT not installed: skipped (pip install PyJWT)"; fi
if command -v openssl >/dev/null; then
  for cap in "" ":~0x20000000"; do
    label=$([ -z "$cap" ] && echo "OpenSSL SHA-256 8 KiB (SHA-NI)" || echo "OpenSSL SHA-256 8 KiB (software)")
    rate=$(OPENSSL_ia32cap="$cap" openssl speed -evp sha256 -bytes 8192 -seconds 1 2>/dev/null | awk '/^sha256/ {print $2}')
    printf '%-40s %s (kB/s, 1000 bytes)\n' "$label" "$rate"
  done
else
  echo "openssl not installed: skipped"
fi
