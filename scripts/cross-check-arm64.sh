#!/usr/bin/env bash
# Compiles every native source for AArch64 with Debian's cross compiler, so
# the arm64 path (NEON kernels, dispatch, glue) is known to build even on an
# x86 CI machine. It links nothing and runs nothing: there is no arm64 Node
# here. Installs g++-aarch64-linux-gnu when apt is available and it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=aarch64-linux-gnu-g++
if ! command -v "$cxx" >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends g++-aarch64-linux-gnu >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends g++-aarch64-linux-gnu >/dev/null; }
  else
    echo "cross-check-arm64: $cxx not found and cannot install it; skipped" >&2
    exit 0
  fi
fi
nodeinc="$(node -p 'require("path").resolve(process.execPath, "../../include/node")')"
napi="$(node -p 'require("node-addon-api").include_dir')"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
flags=(-std=gnu++17 -O3 -ffp-contract=off -fPIC -Wall -Werror -fvisibility=hidden
  -DNAPI_VERSION=8 -DNODE_ADDON_API_DISABLE_DEPRECATED -DNAPI_CPP_EXCEPTIONS -I"$nodeinc" -I"$napi")
for src in native/addon.cc native/isa/dispatch.cc native/isa/scalar.cc native/isa/neon.cc; do
  "$cxx" "${flags[@]}" -c "$src" -o "$out/$(basename "$src").o"
done
# the NEON kernels must really be vector code (widening multiplies, float ops on v registers)
aarch64-linux-gnu-objdump -d "$out/neon.cc.o" > "$out/neon.s"
if ! grep -qE '\s(umull|fmul|fdiv|fsqrt)\s+v[0-9]+\.(4s|2d)' "$out/neon.s"; then
  echo "cross-check-arm64: neon.cc.o has no Advanced SIMD code" >&2
  exit 1
fi
echo "cross-check-arm64: all native sources compile for aarch64 (NEON kernels vectorized)"
