#!/usr/bin/env bash
# The npm packages end to end, as a user gets them: the version check and the launcher's unit
# tests, then npm/pack.sh, an install of both tarballs into a scratch app from the files (no
# registry), `npx jazz --version` and `npx jazz validate` there, and the launcher's error
# path with the platform package removed.
#
#   npm/test.sh [<jazz binary>]
#
# The binary defaults to a debug build (`cargo build -p jazz-cli`), which CI's later
# `cargo test` reuses.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
fail() { echo "npm/test.sh: $*" >&2; exit 1; }

node "$here/check-versions.js"
node --test "$here/test/"

binary="${1:-}"
if [ -z "$binary" ]; then
  (cd "$repo" && cargo build -p jazz-cli)
  target_dir="${CARGO_TARGET_DIR:-target}"
  case "$target_dir" in /*) ;; *) target_dir="$repo/$target_dir" ;; esac
  binary="$target_dir/debug/jazz"
fi
[ -f "$binary" ] || fail "no binary at $binary"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
version="$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$repo/Cargo.toml")"
platform="$(node -e 'process.stdout.write(require(process.argv[1]).platformKey())' "$here/cli/bin/jazz.js")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarballs=()
while IFS= read -r tgz; do tarballs+=("$tgz"); done < <("$here/pack.sh" "$work/dist" --binary "$binary")
[ "${#tarballs[@]}" -eq 2 ] || fail "pack.sh wrote ${#tarballs[@]} tarballs: ${tarballs[*]}"
echo "packed: ${tarballs[*]}"

app="$work/app"
mkdir -p "$app"
printf '{ "name": "npm-test-app", "version": "1.0.0", "private": true }\n' >"$app/package.json"
cp "$repo/examples/todo/schema.ts" "$repo/examples/todo/permissions.ts" "$app/"
cd "$app"
npm install --no-audit --no-fund --offline "${tarballs[@]}"

# `jazz --version` prints `jazz <version> (compatible with ...)`.
got="$(npx --no-install jazz --version)"
[ "$(cut -d' ' -f1-2 <<<"$got")" = "jazz $version" ] || fail "npx jazz --version printed '$got', expected 'jazz $version ...'"
echo "npx jazz --version: $got"
npx --no-install jazz validate

# The error path: no platform package. The launcher names the platform and exits non-zero.
rm -rf "node_modules/@jazz-native/cli-$platform"
set +e
err="$(npx --no-install jazz --version 2>&1 >/dev/null)"
code=$?
set -e
[ "$code" -ne 0 ] || fail "the launcher exited 0 without its platform package"
grep -qF "($platform)" <<<"$err" || fail "the launcher's error does not name $platform: $err"
grep -qF -- "--omit=optional" <<<"$err" || fail "the launcher's error does not give the fix: $err"
echo "without @jazz-native/cli-$platform (exit $code): $err"
# ... and JAZZ_BINARY stands in for it.
got="$(JAZZ_BINARY="$binary" npx --no-install jazz --version)"
[ "$(cut -d' ' -f1-2 <<<"$got")" = "jazz $version" ] || fail "with JAZZ_BINARY, npx jazz --version printed '$got'"
echo "npm/test.sh: ok"
