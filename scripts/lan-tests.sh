#!/usr/bin/env bash
# The LAN multicast discovery test across real interfaces (MulticastLanIT, tagged "namespaces"):
# brings up the namespace LAN (scripts/lan-testbed.sh), runs that test with Maven on the LAN's
# first host, and takes the LAN down again however the run ends. Needs root and a previous build
# (the Maven repository and the wrapper are used offline); with python3, the testbed checks
# plain UDP multicast across the bridge first.
#
#   scripts/lan-tests.sh [extra Maven arguments]
#
# Environment: LAN_TESTBED_NODES (default 10), LAN_TESTBED_PREFIX (default "bclanit").
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export LAN_TESTBED_PREFIX="${LAN_TESTBED_PREFIX:-bclanit}"
export LAN_TESTBED_NODES="${LAN_TESTBED_NODES:-10}"
testbed="$root/scripts/lan-testbed.sh"

cleanup() {
  "$testbed" down || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$testbed" up
# Plain UDP multicast first: if it does not cross the bridge, the testbed is broken, not the node.
if command -v python3 >/dev/null; then
  "$testbed" check
fi

# In the background, so that a signal reaches the traps at once (bash runs them only between
# commands); whatever still runs in the namespaces then goes with them.
LAN_TESTBED="$testbed" ip netns exec "$LAN_TESTBED_PREFIX-n0" \
  ./mvnw -B -o -ntp verify -pl brightchain-net-examples -am \
  -DexcludedTestTags=none -Dgroups=namespaces -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=MulticastLanIT -Dfailsafe.failIfNoSpecifiedTests=false "$@" &
wait $!
