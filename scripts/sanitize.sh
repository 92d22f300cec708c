#!/usr/bin/env bash
# Builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer (any
# UB report aborts) into build-asan/ and runs the test suite against it.
# Node itself is not instrumented, so libasan must be preloaded; leak
# detection is off because V8 keeps memory alive until exit by design.
set -euo pipefail
cd "$(dirname "$0")/.."

# -g1: line tables, enough for the reports' stack traces; GCC 12's variable
# tracking for full -g took over 10 minutes on avx512.cc (50 s with -g1).
# -O1 (after the build's -O3, so it wins): the level ASan's own docs suggest,
# and the instrumented scalar.cc took over 400 s to compile at -O3 (135 s at
# -O1; avx512.cc 26 s). The bits are the same at any level (no fast-math,
# -ffp-contract=off), and the tests compare them with the js backend.
# asan-instrumentation-with-call-threshold=0: every check a call into libasan
# rather than inline shadow arithmetic and a branch. The generator's
# unrolled blocks are most of scalar.cc (120 instantiations), and with the
# inline checks the register allocator took over half of its compile:
# 285-307 s CPU for scalar.cc, 170 s with calls (Zen 4, at load ~10); the
# same accesses are checked.
flags="-O1;-fsanitize=address,undefined;-fno-sanitize-recover=undefined;-fno-omit-frame-pointer;-g1;--param=asan-instrumentation-with-call-threshold=0"
npx cmake-js rebuild --out build-asan \
  --CDFASTAUG_EXTRA_FLAGS="$flags" --CDFASTAUG_EXTRA_LINK_FLAGS="-fsanitize=address,undefined"

export LD_PRELOAD="$(g++ -print-file-name=libasan.so)"
export ASAN_OPTIONS=detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export FASTAUG_NATIVE_PATH=build-asan/Release/fastaug.node
export FASTAUG_BACKEND=native
export FASTAUG_TEST_SLOW_BUILD=1  # -O1 with sanitizers (test/helpers/backends.ts)
# With no arguments: every test file that reaches the addon
# (scripts/addon-tests.sh), the property battery at half its cases (the full
# count runs in the other passes; ASan slows each case ~5x, and the shapes and
# option mixes of half the cases reach the same code). Arguments: vitest's.
if [ $# -eq 0 ]; then
  export FASTAUG_PROPERTY_SCALE="${FASTAUG_PROPERTY_SCALE:-0.5}"
  exec bash scripts/addon-tests.sh
fi
npx vitest run "$@"
