#!/usr/bin/env bash
# The README's Swift snippets, compiled and run exactly as printed: each ```swift block that
# imports one of the package's libraries becomes the main.swift of a package of its own, which
# depends on this one as a user's package would (by a version tag of a clone, or by path with
# --path), and runs from the project's root (a snippet may read a sample event).
#
#   scripts/check-readme-snippets.sh [--path]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
by=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$by" = "--path" ]; then
  dependency=".package(name: \"raidhub-auth\", path: \"$root\")"
else
  # A clone with a version tag, depended on by URL and version as a user's package would.
  git clone -q "$root" "$work/raidhub-auth"
  # A version no release will have, forced and asked for exactly: a clone of a tagged
  # repository keeps its tags, and `from:` could pick an older release over this commit.
  git -C "$work/raidhub-auth" -c user.name=ci -c user.email=ci@localhost tag -f -a 999.0.0 -m "snippet check" >/dev/null
  dependency=".package(url: \"file://$work/raidhub-auth\", exact: \"999.0.0\")"
fi
python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]
blocks = [b for b in re.findall(r"```swift\n(.*?)```", open("README.md", encoding="utf-8").read(), re.S) if re.search(r"^import RaidHub", b, re.M)]
if not blocks:
    sys.exit("README.md has no Swift snippet importing the package")
for index, block in enumerate(blocks):
    with open(f"{work}/snippet-{index}.swift", "w") as file:
        file.write(block)
print(f"{len(blocks)} snippets")
PY
for snippet in "$work"/snippet-*.swift; do
  name=$(basename "$snippet" .swift)
  mkdir -p "$work/$name/Sources/$name"
  cp "$snippet" "$work/$name/Sources/$name/main.swift"
  products=$(grep -oE '^import RaidHub[A-Za-z]+' "$snippet" | sed 's/import //' | sort -u \
    | sed 's/.*/.product(name: "&", package: "raidhub-auth")/' | paste -sd, -)
  cat >"$work/$name/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "$name",
    dependencies: [$dependency],
    targets: [.executableTarget(name: "$name", dependencies: [$products])]
)
SWIFT
  echo "== $name: $(grep -c '' "$snippet") lines of README.md, built against raidhub-auth ${by:-by version 999.0.0}"
  swift build --package-path "$work/$name" 2>&1 | grep -E "error|warning: unsafe|Compiling $name|Build complete" || true
  binary="$(swift build --package-path "$work/$name" --show-bin-path)/$name"
  [ -x "$binary" ] || { echo "$name did not build" >&2; exit 1; }
  echo "-- $name runs:"
  "$binary"
done
echo "the README's snippets build and run as printed"
