#!/usr/bin/env bash
# Benchmarks batched block updates end to end: signed temperature updates per second between two
# nodes on this machine, each in its own JVM, over loopback TCP (sign, send, verify, apply, ack).
# Contenders (batch sizes, and one signed message per update) take turns; prints one "BATCH ..."
# line per contender with the median rate and its ratio to the unbatched one. docs/benchmarks.md
# explains the figures.
#
#   scripts/bench-batch.sh                    3 rounds; 300,000 updates per run (unbatched 5,000)
#   scripts/bench-batch.sh --quick            1 round; 100,000 updates (unbatched 2,000)
#   scripts/bench-batch.sh --rounds 5 --contenders batch-10000,unbatched
#   scripts/bench-batch.sh --help
#
# Needs Java 17+ and, with the defaults, up to 3 GB of heap for each of the two node JVMs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

jar=brightchain-net-benchmarks/target/brightchain-bench.jar
if [[ ! -f "$jar" ]] || [[ -n "$(find . -path ./benchmarks -prune -o -path '*/node_modules' -prune -o -path '*/src/main/*' -newer "$jar" -print -quit)" ]]; then
  echo "building $jar ..." >&2
  ./mvnw -q -B -Dmaven.test.skip=true package -pl brightchain-net-benchmarks -am >&2
fi

# Run from a private copy: a build of the project while the benchmark runs replaces the jar.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$jar" "$work/brightchain-bench.jar"

java -Xmx256m -Dbench.command="scripts/bench-batch.sh $*" -cp "$work/brightchain-bench.jar" \
  org.brightchain.net.benchmarks.BatchBench \
  --results-dir benchmarks/results \
  --log-dir brightchain-net-benchmarks/target/bench-logs \
  "$@"
