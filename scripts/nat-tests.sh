#!/usr/bin/env bash
# The port-mapping tests against a real gateway (tests tagged "namespaces"): brings up the NAT
# testbed (scripts/nat-testbed.sh), runs those tests with Maven inside the testbed's LAN
# namespace, and takes the testbed down again however the run ends. Needs root, the packages
# miniupnpd-nftables, nftables, coturn, miniupnpc and natpmpc, and a previous build (the Maven
# repository and the wrapper are used offline).
#
#   scripts/nat-tests.sh [extra Maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export NAT_TESTBED_PREFIX="${NAT_TESTBED_PREFIX:-bcnat}"
testbed="$root/scripts/nat-testbed.sh"

cleanup() {
  "$testbed" down || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$testbed" up
# The reference clients first: if they cannot map, the testbed is broken, not the node.
"$testbed" check

# In the background, so that a signal reaches the traps at once (bash runs them only between
# commands); whatever still runs in the namespaces then goes with them.
NAT_TESTBED="$testbed" ip netns exec "$NAT_TESTBED_PREFIX-lan" \
  ./mvnw -B -o -ntp verify -pl brightchain-net-examples -am \
  -DexcludedTestTags=none -Dgroups=namespaces -Dsurefire.failIfNoSpecifiedTests=false "$@" &
wait $!
