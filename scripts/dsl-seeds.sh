#!/usr/bin/env bash
# Runs the DSL differential tests (test/dsl/differential.test.ts: every
# scenario against Kafka Streams 4.4's TopologyTestDriver) on other random
# inputs: EDDY_DSL_SEED_OFFSET shifts every scenario's seed. The suite pins
# offset 0; this finds what other inputs would.
#   scripts/dsl-seeds.sh [first-offset] [runs] [step]    (default 1000 10 1000)
# Prints one line per run (offset, passed, failed) and the failing tests'
# first differences; exits non-zero when any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
# The supported Node (fetched into Eddy's cache when the machine's is another), as scripts/demo.sh does.
PATH="$(node runtime/node-runtime.js --bin-dir):$PATH"
first=${1:-1000}
runs=${2:-10}
step=${3:-1000}
failed=0
for ((i = 0; i < runs; i++)); do
  offset=$((first + i * step))
  log=$(mktemp)
  EDDY_DSL_SEED_OFFSET=$offset node --import tsx --test test/dsl/differential.test.ts > "$log" 2>&1
  pass=$(grep -E '^ℹ pass' "$log" | awk '{print $3}')
  fail=$(grep -E '^ℹ fail' "$log" | awk '{print $3}')
  echo "offset $offset: pass ${pass:-?} fail ${fail:-?}"
  if [ "${fail:-1}" != "0" ]; then
    failed=1
    grep -E '^✖|outputs differ|Kafka Streams:|Eddy: ' "$log" | head -20
  fi
  rm -f "$log"
done
exit $failed
