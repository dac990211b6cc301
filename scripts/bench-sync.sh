#!/usr/bin/env bash
# Benchmarks metadata reconciliation (brightchain-net-core's sync package) in memory: two sets of
# 1,000,000 items that differ in 100 (50 on each side, or 100 on one side) and in 1,000, against
# sending the full id list. Prints one "SYNC ..." line per run; docs/sync.md explains them.
#
#   scripts/bench-sync.sh                         3 runs of each case, 1,000,000 items
#   scripts/bench-sync.sh --items 100000 --runs 5
#   scripts/bench-sync.sh --nodes                 two running nodes over WebSocket on loopback,
#                                                 1,000,000 blocks each, 50 only on each side
#
# Needs Java 17+ and about 1 GB of heap (4 GB with --nodes).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

jar=brightchain-net-benchmarks/target/brightchain-bench.jar
if [[ ! -f "$jar" ]] || [[ -n "$(find . -path ./benchmarks -prune -o -path '*/node_modules' -prune -o -path '*/src/main/*' -newer "$jar" -print -quit)" ]]; then
  echo "building $jar ..." >&2
  ./mvnw -q -B -Dmaven.test.skip=true package -pl brightchain-net-benchmarks -am >&2
fi
if [[ "${1:-}" == "--nodes" ]]; then
  shift
  exec java -Xmx4g -cp "$jar" org.brightchain.net.benchmarks.SyncNodesBench "$@"
fi
exec java -Xmx1g -cp "$jar" org.brightchain.net.benchmarks.SyncBench "$@"
