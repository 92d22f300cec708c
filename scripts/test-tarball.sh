#!/usr/bin/env bash
# The package as a user installs it: npm pack (prepack makes the prebuilds
# when they are missing or stale), then `npm install <tarball>` into an empty
# project with no compiler on PATH (PATH is one directory holding only node,
# npm and sh). The native backend must load from prebuilds/linux-x64, and the
# install must not have compiled (no build/, no "compiling" line). Prints the
# install time (npm cache warm: the dependencies came with npm ci).
# Then: FASTAUG_BUILD_FROM_SOURCE=1 npm rebuild fastaug must try to compile
# (the line is printed; without a compiler it fails, warns, and the prebuild
# still loads). Then scripts/test-arm64-prebuild.sh: the linux-arm64
# prebuild's ELF, and the prebuild loaded by Debian's arm64 Node under
# qemu-aarch64.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "test-tarball: $*" >&2; exit 1; }

tarball="$(npm pack --pack-destination "$work" --silent 2>"$work/pack.log" | tail -n 1)" || { cat "$work/pack.log" >&2; fail "npm pack failed"; }
listing="$(tar tzf "$work/$tarball")"
for p in package/prebuilds/linux-x64/fastaug.glibc.node package/prebuilds/linux-arm64/fastaug.glibc.node; do
  grep -qx "$p" <<<"$listing" || fail "$tarball lacks $p"
done
echo "test-tarball: $tarball ($(du -k "$work/$tarball" | cut -f1) kB) holds the linux-x64 and linux-arm64 prebuilds"

# a PATH with node, npm and sh only: no g++, cc, make or python3
mkdir -p "$work/bin" "$work/project"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(readlink -f "$(command -v npm)")" "$work/bin/npm"
ln -s "$(command -v sh)" "$work/bin/sh"  # npm runs scripts with sh
for tool in g++ cc make python3; do PATH="$work/bin" command -v "$tool" >/dev/null && fail "$tool is still on the stripped PATH"; done
cd "$work/project"
echo '{ "name": "tarball-user", "private": true }' > package.json
t0=$(date +%s%N)
env -u FASTAUG_SKIP_BUILD -u FASTAUG_BUILD_FROM_SOURCE -u npm_config_build_from_source -u FASTAUG_BACKEND -u FASTAUG_NATIVE_PATH \
  PATH="$work/bin" HOME="$HOME" npm install --prefer-offline --no-audit --no-fund --foreground-scripts "$work/$tarball" > "$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "npm install $tarball failed"; }
echo "test-tarball: npm install <tarball> took $(( ($(date +%s%N) - t0) / 1000000 )) ms (warm npm cache, no compiler on PATH)"
if grep -q 'compiling' "$work/install.log" || [ -e node_modules/fastaug/build ]; then cat "$work/install.log"; fail "the install compiled"; fi
info="$(PATH="$work/bin" node -e "
  const f = require('fastaug'); const i = f.backendInfo();
  const file = require('node-gyp-build').resolve(require('path').dirname(require.resolve('fastaug/package.json')));
  console.log(i.backend, i.isa, require('path').relative(process.cwd(), file))")"
echo "test-tarball: $info"
[[ "$info" == "native "*" node_modules/fastaug/prebuilds/linux-x64/fastaug.glibc.node" ]] || fail "the native backend did not load from the prebuild"

# asked to build from source: the line, an attempt (no compiler here: it fails and warns), and still a working install
env FASTAUG_BUILD_FROM_SOURCE=1 PATH="$work/bin" HOME="$HOME" npm rebuild fastaug --foreground-scripts > "$work/rebuild.log" 2>&1 || true
grep -q 'fastaug: building the addon from source (FASTAUG_BUILD_FROM_SOURCE), compiling (about a minute)' "$work/rebuild.log" \
  || { cat "$work/rebuild.log"; fail "FASTAUG_BUILD_FROM_SOURCE=1 did not try to compile"; }
env PATH="$work/bin" HOME="$HOME" npm rebuild fastaug --build-from-source --foreground-scripts > "$work/rebuild2.log" 2>&1 || true
grep -q 'fastaug: building the addon from source (--build-from-source), compiling (about a minute)' "$work/rebuild2.log" \
  || { cat "$work/rebuild2.log"; fail "npm rebuild fastaug --build-from-source did not try to compile"; }
after="$(PATH="$work/bin" node -p "require('fastaug').backendInfo().backend")"
[ "$after" = native ] || fail "after the failed source builds the backend is $after"
echo "test-tarball: FASTAUG_BUILD_FROM_SOURCE=1 and --build-from-source try to compile (with no compiler here: they warn, and the prebuild still loads)"

# the arm64 prebuild: its ELF, and loaded by Debian's arm64 Node under qemu-aarch64
cd "$root"
bash scripts/test-arm64-prebuild.sh
