#!/usr/bin/env bash
# The main job: the quick impact study on real Fashion-MNIST. Installs
# Debian's dataset-fashion-mnist first when it is missing and apt is usable.
set -euo pipefail
cd "$(dirname "$0")/.."
data=/usr/share/datasets/fashion-mnist
if [ ! -e "$data/train-images-idx3-ubyte.gz" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "fastaug: installing Debian's dataset-fashion-mnist" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist >/dev/null; }
fi
[ -f dist/cjs/cli/main.js ] || npm run build:ts
node -e "console.log('backendInfo():', JSON.stringify(require('./dist/cjs/index.js').backendInfo()))"
exec node dist/cjs/cli/main.js impact --quick --out impact-report "$@"
