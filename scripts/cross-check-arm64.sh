#!/usr/bin/env bash
# Compiles every native source for AArch64 with Debian's cross compiler (or
# takes the objects of a fresh arm64 prebuild, below), so the arm64 path
# (NEON kernels, dispatch, glue) is known to build even on an x86 CI machine,
# then runs the arm64 random streams and noise under qemu-user and compares
# their bytes with this machine's. Installs g++-aarch64-linux-gnu and
# qemu-user when apt is available and they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=aarch64-linux-gnu-g++
if ! command -v "$cxx" >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends g++-aarch64-linux-gnu qemu-user >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends g++-aarch64-linux-gnu qemu-user >/dev/null; }
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
  -DNAPI_VERSION=8 -DNODE_ADDON_API_DISABLE_DEPRECATED -DNAPI_CPP_EXCEPTIONS -DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS -I"$nodeinc" -I"$napi")
scalar_flags=(--param=sccvn-max-alias-queries-per-access=50 --param=dse-max-alias-queries-per-store=32)  # as binding.gyp
sched_flags=(-fschedule-insns -fsched-pressure)  # as binding.gyp builds the x86 ISA files
have_qemu=$(command -v qemu-aarch64 >/dev/null && echo 1 || echo 0)
on_x86=$([ "$(uname -m)" = x86_64 ] && echo 1 || echo 0)

# The arm64 side: the objects of the arm64 prebuild (scripts/prebuild.mjs
# leaves its node-gyp build in build-prebuild/arm64; CI runs it with
# CXXFLAGS=-Werror) when they are newer than every native source, so the
# bytes compared are those the arm64 prebuild ships and CI does not compile
# the same four files twice; otherwise every object once, here, in parallel
# groups (scalar.cc takes longest).
a64_build=build-prebuild/arm64/build/Release/obj.target
a64_prebuilt=("$a64_build/fastaug/native/addon.o" "$a64_build/fastaug/native/isa/dispatch.o"
  "$a64_build/fastaug_scalar/native/isa/scalar.o" "$a64_build/fastaug_neon/native/isa/neon.o")
reuse_a64=1
for object in "${a64_prebuilt[@]}"; do
  if [ ! -f "$object" ] || [ -n "$(find native binding.gyp -newer "$object" -print -quit)" ]; then reuse_a64=0; fi
done
pids=()
if [ "$reuse_a64" = 1 ]; then
  echo "cross-check-arm64: the arm64 objects of the prebuild (build-prebuild/arm64)"
  for object in "${a64_prebuilt[@]}"; do cp "$object" "$out/$(basename "$object" .o).a64.o"; done
  "$cxx" "${flags[@]}" -c native/tools/stream_digest.cc -o "$out/stream_digest.a64.o" & pids+=($!)
else
  "$cxx" "${flags[@]}" "${scalar_flags[@]}" -c native/isa/scalar.cc -o "$out/scalar.a64.o" & pids+=($!)
  (for src in native/addon.cc native/isa/dispatch.cc native/isa/neon.cc native/tools/stream_digest.cc; do
    "$cxx" "${flags[@]}" -c "$src" -o "$out/$(basename "$src" .cc).a64.o"
  done) & pids+=($!)
fi
# This machine's side of the digest comparison: the objects of the addon's
# node-gyp build (build/Release, as `npm ci` leaves it) when they are newer
# than every native source, so the bytes compared are those the addon ships
# and CI skips four -O3 compiles; otherwise compiled here.
gyp_objects=(build/Release/obj.target/fastaug/native/isa/dispatch.o build/Release/fastaug_scalar.a)
[ "$on_x86" = 1 ] && gyp_objects+=(build/Release/fastaug_{sse4,avx2,avx512,avx512vbmi}.a)
reuse_build=1
for object in "${gyp_objects[@]}"; do
  if [ ! -f "$object" ] || [ -n "$(find native binding.gyp -newer "$object" -print -quit)" ]; then reuse_build=0; fi
done
if [ "$have_qemu" = 1 ] && [ "$reuse_build" = 1 ]; then
  g++ -std=gnu++17 -O3 -ffp-contract=off -c native/tools/stream_digest.cc -o "$out/stream_digest.o" & pids+=($!)
elif [ "$have_qemu" = 1 ]; then
  g++ -std=gnu++17 -O3 -ffp-contract=off "${scalar_flags[@]}" -c native/isa/scalar.cc -o "$out/scalar.o" & pids+=($!)
  (g++ -std=gnu++17 -O3 -ffp-contract=off -c native/isa/dispatch.cc -o "$out/dispatch.o"
   g++ -std=gnu++17 -O3 -ffp-contract=off -c native/tools/stream_digest.cc -o "$out/stream_digest.o"
   if [ "$on_x86" = 1 ]; then
     g++ -std=gnu++17 -O3 -ffp-contract=off "${sched_flags[@]}" -c native/isa/sse4.cc -msse4.1 -o "$out/sse4.o"
     g++ -std=gnu++17 -O3 -ffp-contract=off "${sched_flags[@]}" -c native/isa/avx2.cc -mavx2 -mno-fma -o "$out/avx2.o"
     g++ -std=gnu++17 -O3 -ffp-contract=off "${sched_flags[@]}" -c native/isa/avx512.cc -mavx512f -mavx512bw -mavx512vl -mavx512dq -mno-fma \
       -Wno-maybe-uninitialized -Wno-uninitialized -o "$out/avx512.o"
     # dispatch.cc links the VBMI kernels in (swapped into the avx512 table where the CPU has VBMI)
     g++ -std=gnu++17 -O3 -ffp-contract=off "${sched_flags[@]}" -c native/isa/avx512vbmi.cc -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vbmi -mno-fma \
       -Wno-maybe-uninitialized -Wno-uninitialized -o "$out/avx512vbmi.o"
   fi) & pids+=($!)
fi
for pid in "${pids[@]}"; do wait "$pid"; done  # set -e: a failed compile stops here

# the NEON kernels must really be vector code (widening multiplies, float ops on v registers)
aarch64-linux-gnu-objdump -d "$out/neon.a64.o" > "$out/neon.s"
if ! grep -qE '\s(umull|fmul|fdiv|fsqrt)\s+v[0-9]+\.(4s|2d)' "$out/neon.s"; then
  echo "cross-check-arm64: neon.cc.o has no Advanced SIMD code" >&2
  exit 1
fi
echo "cross-check-arm64: all native sources compile for aarch64 (NEON kernels vectorized)"

# Run the aarch64 kernels (random streams and noise) under qemu-user when it is there, and compare their
# bytes with the same digest computed by this machine's native build.
if [ "$have_qemu" = 0 ]; then
  echo "cross-check-arm64: qemu-aarch64 not found; the arm64 kernels were compiled but not run" >&2
  exit 0
fi
"$cxx" -static "$out"/{stream_digest,dispatch,scalar,neon}.a64.o -o "$out/digest-arm64"
if [ "$reuse_build" = 1 ]; then
  host_objects=("$out/stream_digest.o" "${gyp_objects[@]}")
  echo "cross-check-arm64: this machine's digests from the addon's build (build/Release)"
else
  host_objects=("$out"/{stream_digest,dispatch,scalar}.o)
  [ "$on_x86" = 1 ] && host_objects+=("$out"/{sse4,avx2,avx512,avx512vbmi}.o)
fi
g++ "${host_objects[@]}" -o "$out/digest-host"
qemu-aarch64 "$out/digest-arm64" | tee "$out/arm64.txt"
"$out/digest-host" | tee "$out/host.txt"
if [ "$(cut -d' ' -f2- "$out/arm64.txt" "$out/host.txt" | sort -u | wc -l)" != 1 ]; then
  echo "cross-check-arm64: the arm64 kernels (under qemu) give different bytes from this machine's" >&2
  exit 1
fi
echo "cross-check-arm64: neon and scalar under qemu-aarch64 give the same bytes as every ISA here"
