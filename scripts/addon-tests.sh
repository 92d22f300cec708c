#!/usr/bin/env bash
# Runs every test file that reaches the native addon (the addon is whichever
# FASTAUG_NATIVE_PATH names, or the default build). The files left out never
# load it (statistics, IDX parsing, the impact report and its browser test):
# npm test runs them, and a second build or a sanitizer run adds nothing to
# them but CI minutes. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
npx vitest run \
  --exclude 'test/idx*.test.ts' --exclude 'test/stats.test.ts' \
  --exclude 'test/impact-stats.test.ts' --exclude 'test/impact-data.test.ts' \
  --exclude 'test/impact-report*.test.ts' "$@"
