#!/usr/bin/env bash
# The demo (`npm run demo`): installs what is missing, builds the Rust
# DSL functions plugin, then runs a Streams-DSL application (word count, a
# windowed count and a join) on a real Kafka broker (a local
# one started from Maven Central jars unless KAFKA_BROKERS is set).
set -euo pipefail
cd "$(dirname "$0")/.."
# Eddy runs on Node 24: the machine's if it is that, else the pinned one,
# fetched from the npm registry into Eddy's cache (runtime/node-runtime.js).
PATH="$(node runtime/node-runtime.js --bin-dir):$PATH"
export PATH
bash scripts/install-toolchain.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node runtime/bin/eddy.js build plugins/dsl-functions-rust
node --import tsx scripts/demo/kafka-demo.ts
