#!/usr/bin/env bash
# Writes the npm tarballs of @jazz-native/cli and of this machine's platform package (for
# example @jazz-native/cli-linux-x64-gnu) into <outdir>, and prints their paths.
#
#   npm/pack.sh <outdir> [--binary <path>] [--platform <key>]
#
# Without --binary it builds the release binary (`cargo build --release -p jazz-cli`).
# --platform packs the binary into another platform's package (the release workflow uses it
# for cross-built targets); the default is this machine's key, as the launcher computes it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

usage() { echo "usage: npm/pack.sh <outdir> [--binary <path>] [--platform <key>]" >&2; exit 2; }
[ $# -ge 1 ] || usage
outdir="$1"; shift
binary=""
platform=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || usage; binary="$2"; shift 2 ;;
    --platform) [ $# -ge 2 ] || usage; platform="$2"; shift 2 ;;
    *) usage ;;
  esac
done

node "$here/check-versions.js" >/dev/null
if [ -z "$platform" ]; then
  platform="$(node -e 'process.stdout.write(require(process.argv[1]).platformKey())' "$here/cli/bin/jazz.js")"
fi
[ -d "$here/platforms/$platform" ] || { echo "npm/pack.sh: no package for platform $platform" >&2; exit 1; }
exe=jazz
case "$platform" in win32-*) exe=jazz.exe ;; esac

if [ -z "$binary" ]; then
  (cd "$repo" && cargo build --release -p jazz-cli)
  target_dir="${CARGO_TARGET_DIR:-target}"
  case "$target_dir" in /*) ;; *) target_dir="$repo/$target_dir" ;; esac
  binary="$target_dir/release/$exe"
fi
[ -f "$binary" ] || { echo "npm/pack.sh: no binary at $binary" >&2; exit 1; }

mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# Stage copies, so the binary never lands in the source tree.
cp -R "$here/cli" "$stage/cli"
cp -R "$here/platforms/$platform" "$stage/platform"
mkdir -p "$stage/platform/bin"
cp "$binary" "$stage/platform/bin/$exe"
chmod 755 "$stage/platform/bin/$exe" "$stage/cli/bin/jazz.js"
for pkg in cli platform; do
  name="$(cd "$stage/$pkg" && npm pack --silent --pack-destination "$outdir")"
  echo "$outdir/$name"
done
