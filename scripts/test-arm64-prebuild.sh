#!/usr/bin/env bash
# The linux-arm64 prebuild, on this x86 machine:
# 1. with the cross binutils: an AArch64 shared object exporting
#    napi_register_module_v1 and needing only libc, libm, libstdc++, libgcc_s;
# 2. loaded by Debian's arm64 Node (nodejs:arm64 and its libraries, unpacked
#    with dpkg -x into build-prebuild/arm64-node/, not installed) under
#    qemu-aarch64: fastaug picks the prebuild, backend native / neon (and
#    scalar), and a random stream, noise and shift give the same bytes as
#    this machine's native and js backends.
# Step 2 needs root with apt (it adds the arm64 architecture to dpkg and
# downloads ~22 MB once); without it, it says so and stops after step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
arm=prebuilds/linux-arm64/fastaug.glibc.node
fail() { echo "test-arm64-prebuild: $*" >&2; exit 1; }
[ -f "$arm" ] || fail "$arm is missing (npm run prebuild)"

aarch64-linux-gnu-readelf -h "$arm" | grep -q 'Machine: *AArch64' || fail "$arm is not AArch64"
aarch64-linux-gnu-readelf --dyn-syms -W "$arm" | grep -q ' GLOBAL DEFAULT .* napi_register_module_v1$' || fail "$arm does not export napi_register_module_v1"
needed="$(aarch64-linux-gnu-readelf -d "$arm" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort | tr '\n' ' ')"
[ "$needed" = "libc.so.6 libgcc_s.so.1 libm.so.6 libstdc++.so.6 " ] || fail "$arm needs $needed"
echo "test-arm64-prebuild: $arm is AArch64, exports napi_register_module_v1, needs $needed"

sysroot="$root/build-prebuild/arm64-node"
if [ ! -x "$sysroot/usr/bin/node" ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    echo "test-arm64-prebuild: no root, apt or qemu-aarch64: the arm64 prebuild was checked but not loaded" >&2
    exit 0
  fi
  dpkg --print-foreign-architectures | grep -qx arm64 || { dpkg --add-architecture arm64 && apt-get update -q >/dev/null; }
  debs="$(mktemp -d)"
  (cd "$debs" && apt-get download -q nodejs:arm64 libnode108:arm64 libbrotli1:arm64 libc-ares2:arm64 libicu72:arm64 libnghttp2-14:arm64 \
     libssl3:arm64 libuv1:arm64 zlib1g:arm64 node-cjs-module-lexer node-acorn node-undici >/dev/null 2>&1) \
    || { apt-get update -q >/dev/null && (cd "$debs" && apt-get download -q nodejs:arm64 libnode108:arm64 libbrotli1:arm64 libc-ares2:arm64 libicu72:arm64 \
         libnghttp2-14:arm64 libssl3:arm64 libuv1:arm64 zlib1g:arm64 node-cjs-module-lexer node-acorn node-undici >/dev/null 2>&1); } \
    || fail "could not download Debian's arm64 nodejs"
  rm -rf "$sysroot.tmp" && mkdir -p "$sysroot.tmp/lib"
  for deb in "$debs"/*.deb; do dpkg -x "$deb" "$sysroot.tmp"; done
  cp -a /usr/aarch64-linux-gnu/lib/. "$sysroot.tmp/lib/"  # the cross toolchain's libc, libstdc++, ld-linux-aarch64
  rm -rf "$debs" "$sysroot" && mv "$sysroot.tmp" "$sysroot"
fi

# the package as installed (package.json, dist, prebuilds), without build/: node-gyp-build picks prebuilds/linux-<arch>
pkg="$(mktemp -d)"
trap 'rm -rf "$pkg"' EXIT
cp -r package.json dist prebuilds "$pkg/"
ln -s "$root/node_modules" "$pkg/node_modules"
probe="
  const f = require('$pkg'), crypto = require('crypto');
  const h = (a) => crypto.createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);
  const batch = { data: new Uint8Array(4 * 28 * 28 * 3).map((_, i) => (i * 37) & 255), shape: [4, 28, 28, 3] };
  const i = f.backendInfo();
  console.log(i.backend, i.isa, require('$pkg/node_modules/node-gyp-build').resolve('$pkg').slice('$pkg/'.length),
    h(f.randomNormal(100000, { seed: 5 })), h(f.gaussianNoise(batch, { std: 10, seed: 7 }).data), h(f.shift(batch, { x: 0.1, y: 0.1, fill: 'reflect', seed: 7 }).data));"
clean=(env -u FASTAUG_BACKEND -u FASTAUG_ISA -u FASTAUG_NATIVE_PATH -u LD_PRELOAD)
arm64node() { "${clean[@]}" qemu-aarch64 -L "$sysroot" -E LD_LIBRARY_PATH=/usr/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu "$@" "$sysroot/usr/bin/node" -e "$probe"; }
echo "test-arm64-prebuild: Debian's arm64 Node $(qemu-aarch64 -L "$sysroot" -E LD_LIBRARY_PATH=/usr/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu "$sysroot/usr/bin/node" -p 'process.version + " (" + process.arch + ")"') under qemu-aarch64"
neon="$(arm64node)"
scalar="$(arm64node -E FASTAUG_ISA=scalar)"
host="$("${clean[@]}" node -e "$probe")"
js="$("${clean[@]}" FASTAUG_BACKEND=js node -e "$probe")"
printf '  %s\n' "arm64: $neon" "arm64: $scalar" "host:  $host" "host:  $js"
[[ "$neon" == "native neon prebuilds/linux-arm64/fastaug.glibc.node "* ]] || fail "the arm64 Node did not load the arm64 prebuild at neon"
[[ "$scalar" == "native scalar prebuilds/linux-arm64/fastaug.glibc.node "* ]] || fail "FASTAUG_ISA=scalar under the arm64 Node"
digests() { cut -d' ' -f4- <<<"$1"; }
[ "$(digests "$neon")" = "$(digests "$host")" ] && [ "$(digests "$scalar")" = "$(digests "$host")" ] && [ "$(digests "$js")" = "$(digests "$host")" ] \
  || fail "the arm64 prebuild's bytes differ from this machine's"
echo "test-arm64-prebuild: the arm64 prebuild loads in Debian's arm64 Node under qemu and gives this machine's bytes (neon and scalar)"
