#!/usr/bin/env bash
# The demo (`npm run demo`): installs what is missing, builds the Rust
# word-count plugin, and runs it over the bundled text.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-toolchain.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node runtime/bin/eddy.js build plugins/wordcount-rust
node scripts/demo/word-count-demo.js
