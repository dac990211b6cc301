#!/usr/bin/env bash
# A LAN on one machine, for the multicast discovery tests: N network namespaces ("hosts"), each
# with one veth interface plugged into a Linux bridge (the "switch", in a namespace of its own),
# all in one IPv4 subnet with a multicast route. Needs root. Nothing leaves the namespaces.
#
#   sw        the switch: bridge br0, IGMP snooping off (multicast is flooded to every port)
#   n0..nN-1  hosts: interface lan0, 10.88.0.(10+i)/24, fe80::/64 link-local, route 224.0.0.0/4
#
# Usage: scripts/lan-testbed.sh COMMAND
#   up            create the switch and the hosts (idempotent: a complete LAN is left as it is)
#   down          stop whatever runs inside and delete the namespaces (idempotent)
#   exec NS CMD   run CMD in namespace NS (n0, n1, ... or sw)
#   address I     print host I's IPv4 address
#   check         a datagram sent to the multicast group from n0 reaches the last host
#
# Environment: LAN_TESTBED_PREFIX (default "bclan": namespaces "bclan-sw", "bclan-n0", ...),
# LAN_TESTBED_NODES (default 10, at most 200).
set -euo pipefail

prefix="${LAN_TESTBED_PREFIX:-bclan}"
nodes="${LAN_TESTBED_NODES:-10}"
sw="$prefix-sw"
subnet="10.88.0"

log() { echo "lan-testbed: $*" >&2; }

in_ns() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }

ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

host_ns() { echo "$prefix-n$1"; }

address() { echo "$subnet.$((10 + $1))"; }

if ! [[ "$nodes" =~ ^[0-9]+$ ]] || ((nodes < 2 || nodes > 200)); then
  log "LAN_TESTBED_NODES: '$nodes' (expected: 2-200)"
  exit 2
fi

complete() {
  ns_exists "$sw" || return 1
  local i
  for ((i = 0; i < nodes; i++)); do
    ns_exists "$(host_ns "$i")" || return 1
  done
}

up() {
  if complete; then
    log "already up: $nodes hosts on $sw"
    return 0
  fi
  down # a half-made LAN from an interrupted run goes first
  # Whatever fails or interrupts from here on leaves nothing behind (set -e exits the script).
  trap 'log "up did not finish; cleaning up"; down' EXIT
  trap 'exit 130' INT TERM
  ip netns add "$sw"
  in_ns "$sw" ip link set lo up
  in_ns "$sw" ip link add br0 type bridge mcast_snooping 0
  in_ns "$sw" ip link set br0 up
  local i ns port
  for ((i = 0; i < nodes; i++)); do
    ns=$(host_ns "$i")
    port="p$i" # the switch's side; the host's side is lan0 in every host
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
    ip link add lan0 netns "$ns" type veth peer name "$port" netns "$sw"
    in_ns "$sw" ip link set "$port" master br0
    in_ns "$sw" ip link set "$port" up
    in_ns "$ns" ip addr add "$(address "$i")/24" dev lan0
    in_ns "$ns" ip link set lan0 up
    # No default route on this LAN: multicast needs a route of its own.
    in_ns "$ns" ip route add 224.0.0.0/4 dev lan0
  done
  trap - EXIT INT TERM
  log "up: $nodes hosts $(host_ns 0)..$(host_ns $((nodes - 1))) ($(address 0)..$(address $((nodes - 1)))) on bridge br0 in $sw"
}

down() {
  local ns pid
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$prefix-(sw|n[0-9]+)\$" || true); do
    # Anything still running inside (a node a test left behind) goes with its namespace.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$ns" 2>/dev/null || true
  done
  log "down"
}

check() {
  # One UDP datagram to 239.255.42.42 from the first host, received by the last one: the switch
  # floods multicast and the hosts route it. Plain Python, so the check does not need the node.
  local last=$((nodes - 1)) out
  command -v python3 >/dev/null || { log "check needs python3"; return 1; }
  in_ns "$(host_ns "$last")" python3 - "$(address "$last")" >"/tmp/$prefix-check.$$" 2>&1 <<'EOF' &
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 4299))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton("239.255.42.42"), socket.inet_aton(sys.argv[1])))
s.settimeout(5)
data, src = s.recvfrom(100)
print(data.decode(), "from", src[0])
EOF
  local listener=$!
  sleep 0.5
  in_ns "$(host_ns 0)" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
for _ in range(3):
    s.sendto(b"hello", ("239.255.42.42", 4299))
'
  if wait "$listener"; then
    out=$(cat "/tmp/$prefix-check.$$")
    rm -f "/tmp/$prefix-check.$$"
    log "check passed: $out"
  else
    out=$(cat "/tmp/$prefix-check.$$")
    rm -f "/tmp/$prefix-check.$$"
    log "check failed: $out"
    return 1
  fi
}

cmd="${1:-}"
shift || true
case "$cmd" in
  up) up ;;
  down) down ;;
  address) address "${1:?address: which host?}" ;;
  check) check ;;
  # exec: the command replaces this script, so that stopping it stops the command.
  exec) ns="${1:?exec: which namespace?}"; shift; exec ip netns exec "$prefix-$ns" "$@" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
