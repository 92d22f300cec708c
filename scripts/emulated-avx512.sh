#!/usr/bin/env bash
# Runs the avx512 kernels on a CPU without AVX-512: builds a test addon
# (build-emu512/fastaug.node) whose avx512 file is compiled for AVX2 with
# SIMDe's portable AVX-512 (native/tools/simde_avx512.h) and whose dispatch
# offers every x86 ISA, then runs the conformance tests with
# FASTAUG_ISA=avx512. They compare the bytes with js, so a wrong lane order
# in new AVX-512 code fails here, on any host, before it fails CI on an
# AVX-512 one. Where the CPU has AVX-512 the ordinary test pass runs the real
# thing, and this script does nothing. Needs Debian's libsimde-dev and
# `npm run build:ts`. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."

if grep -qw avx512bw /proc/cpuinfo && [ -z "${FASTAUG_EMULATE_ANYWAY:-}" ]; then
  echo "this CPU has AVX-512: npm test already runs the avx512 kernels"
  exit 0
fi
[ -f /usr/include/simde/x86/avx512.h ] || { echo "needs SIMDe: apt-get install libsimde-dev" >&2; exit 1; }

out=build-emu512
mkdir -p "$out"
node_include=$(node -p 'require("path").resolve(process.execPath, "../../include/node")')
api_include=$(node -p "require('node-addon-api').include_dir")
# Every object at -O1: the emulated file compiles in a minute (many at -O3),
# and the bits are the same at any level (no fast-math, -ffp-contract=off,
# -mno-fma as in the real build).
common=(-std=gnu++17 -O1 -ffp-contract=off -fPIC -fvisibility=hidden -fvisibility-inlines-hidden -DNAPI_VERSION=8 -I"$node_include" -I"$api_include")
compile() { local src=$1; shift; g++ "${common[@]}" "$@" -c "$src" -o "$out/$(basename "$src" .cc).o"; }
pids=()
compile native/isa/avx512.cc -mavx2 -mno-fma -Wno-psabi -include native/tools/simde_avx512.h & pids+=($!)
# the VBMI kernels, which that dispatch swaps into the avx512 table (FASTAUG_VBMI=0 keeps them out)
compile native/isa/avx512vbmi.cc -mavx2 -mno-fma -Wno-psabi -DFASTAUG_EMULATE_VBMI -include native/tools/simde_avx512.h & pids+=($!)
compile native/addon.cc -DFASTAUG_VERSION="\"$(node -p "require('./package.json').version")\"" & pids+=($!)
# the dispatch offers every ISA, whatever the CPU says (the others are ones it has)
compile native/isa/dispatch.cc "-D__builtin_cpu_supports(feature)=1" & pids+=($!)
# only there to link (the tests run js and avx512): -O0 compiles fastest
compile native/isa/avx2.cc -mavx2 -mno-fma -O0 & pids+=($!)
compile native/isa/sse4.cc -msse4.1 -O0 & pids+=($!)
compile native/isa/scalar.cc -O0 & pids+=($!)
for pid in "${pids[@]}"; do wait "$pid"; done
g++ -shared -pthread -o "$out/fastaug.node" "$out"/{addon,dispatch,avx512,avx512vbmi,avx2,sse4,scalar}.o

export FASTAUG_NATIVE_PATH="$out/fastaug.node" FASTAUG_ISA=avx512 FASTAUG_BACKEND=native
export FASTAUG_TEST_SLOW_BUILD=1  # -O1/-O0 and emulated intrinsics (test/helpers/backends.ts)
node -e "const i = require('./dist/cjs/index.js').backendInfo(); if (i.isa !== 'avx512') throw new Error('the emulated build runs ' + i.isa); console.log('emulated avx512:', JSON.stringify(i))"
# The conformance files (those looping over test/helpers/backends.ts: every
# op against js, split and thread invariance, pinned stream digests), on js
# and the emulated avx512 alone: the ordinary pass has run the other ISAs.
export FASTAUG_TEST_ISAS=avx512
mapfile -t files < <(grep -l "helpers/backends" test/*.test.ts)
npx vitest run "${files[@]}" "$@"
# That dispatch swaps the VBMI kernels into the avx512 table (flip, colour
# maps, contrast, gamma); their plain avx512 versions once more, without them.
FASTAUG_VBMI=0 npx vitest run test/color.test.ts test/flip.test.ts test/gamma.test.ts "$@"
