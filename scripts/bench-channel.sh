#!/usr/bin/env bash
# Benchmarks the node-to-node WebSocket channel against a `ws` server and a `socket.io` server
# with the same semantics (benchmarks/js), all driven by one Netty load driver:
# broadcast fan-out, echo, and memory per idle connection. Contenders take turns in every round.
#
#   scripts/bench-channel.sh            the full run (about 5 minutes)
#   scripts/bench-channel.sh --quick    a short run (under a minute)
#   scripts/bench-channel.sh --help     every option
#
# Needs Java 17+ and Node.js 20+. Traffic stays on 127.0.0.1. Prints the figures and saves them
# to benchmarks/results/channel-<UTC time>.txt; docs/benchmarks.md explains how to read them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# 10,000 idle connections need as many file descriptors in the driver and in each server.
want=32768
hard="$(ulimit -Hn)"
if [[ "$hard" != unlimited ]] && (( hard < want )); then
  want="$hard"
fi
ulimit -n "$want" 2>/dev/null || true

command -v node >/dev/null || { echo "error: Node.js 20+ is needed for the ws and socket.io servers" >&2; exit 1; }
if [[ ! -d benchmarks/js/node_modules/ws || ! -d benchmarks/js/node_modules/socket.io ]]; then
  echo "installing the JavaScript contenders (npm ci) ..." >&2
  (cd benchmarks/js && npm ci --no-audit --no-fund >&2)
fi

jar=brightchain-net-benchmarks/target/brightchain-bench.jar
if [[ ! -f "$jar" ]] || [[ -n "$(find . -path ./benchmarks -prune -o -path '*/node_modules' -prune -o -path '*/src/main/*' -newer "$jar" -print -quit)" ]]; then
  echo "building $jar ..." >&2
  ./mvnw -q -B -Dmaven.test.skip=true package -pl brightchain-net-benchmarks -am >&2
fi

# Run from a private copy: a build of the project while the benchmark runs replaces the jar.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$jar" "$work/brightchain-bench.jar"

java -Xmx1g -Dbench.command="scripts/bench-channel.sh $*" -jar "$work/brightchain-bench.jar" \
  --js-dir benchmarks/js \
  --results-dir benchmarks/results \
  --log-dir brightchain-net-benchmarks/target/bench-logs \
  "$@"
