#!/usr/bin/env bash
# A NAT gateway on one machine, for the port-mapping tests: three network namespaces joined by
# veth pairs, miniupnpd (UPnP IGD, NAT-PMP and PCP) as the gateway, coturn as the STUN server that
# miniupnpd uses to learn its public address. Needs root. Nothing leaves the namespaces.
#
#   wan  198.51.100.2, .3   "the internet": STUN server, outside peers
#   gw   198.51.100.1 (WAN) / 192.168.77.1 (LAN), runs miniupnpd, forwards and masquerades
#   lan  192.168.77.10      runs the node
#
# Usage: scripts/nat-testbed.sh COMMAND
#   up            create the namespaces and start the STUN server and the gateway
#   down          stop what "up" started and delete the namespaces (idempotent)
#   gw-stop       stop the gateway daemon (SIGTERM): nothing answers on its ports
#   gw-start      start the gateway daemon again
#   gw-restart    gw-stop, then gw-start (the daemon keeps its rules in nftables across this)
#   gw-reboot     gw-stop, remove every forwarding rule, gw-start: a router that rebooted
#   gw-freeze     SIGSTOP the gateway daemon: it keeps its sockets but answers nothing
#   gw-thaw       SIGCONT the gateway daemon
#   rules         print the gateway's port-forwarding rules (nftables)
#   exec NS CMD   run CMD in namespace NS (wan, gw or lan)
#   check         map and unmap a port with the reference clients (upnpc, natpmpc)
#
# Environment: NAT_TESTBED_PREFIX (default "bc", namespaces "bc-wan", "bc-gw", "bc-lan"),
# NAT_TESTBED_DIR (default /tmp/nat-testbed-$PREFIX: configuration, logs, pid files).
#
# Gateway policy: LAN ports 1024-65535 may be mapped from external ports 1024-65535, except LAN
# ports 4900-4999, which the gateway refuses to map at all (to test refusals).
set -euo pipefail

prefix="${NAT_TESTBED_PREFIX:-bc}"
dir="${NAT_TESTBED_DIR:-/tmp/nat-testbed-$prefix}"
wan="$prefix-wan"
gw="$prefix-gw"
lan="$prefix-lan"
# veth ends (at most 15 characters): gw's WAN side, wan's side, gw's LAN side, lan's side.
gw_wan_if="${prefix}gw-w"
wan_if="${prefix}wan-g"
gw_lan_if="${prefix}gw-l"
lan_if="${prefix}lan-g"

log() { echo "nat-testbed: $*" >&2; }

in_ns() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {
  # wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.1 s until it succeeds.
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${seconds}s waiting for $what"
      return 1
    fi
    sleep 0.1
  done
}

write_gateway_config() {
  cat >"$dir/miniupnpd.conf" <<EOF
ext_ifname=$gw_wan_if
listening_ip=$gw_lan_if
http_port=5000
enable_natpmp=yes
enable_upnp=yes
secure_mode=yes
uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b
ext_perform_stun=yes
ext_stun_host=198.51.100.2
ext_stun_port=3478
min_lifetime=2
max_lifetime=86400
notify_interval=60
clean_ruleset_interval=600
deny 0-65535 192.168.77.0/24 4900-4999
allow 1024-65535 192.168.77.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF
}

write_firewall() {
  # Debian's nft_init.sh is broken (it sources a missing file): create miniupnpd's chains here,
  # plus what a home router does anyway: LAN to WAN allowed and masqueraded, replies allowed.
  cat >"$dir/gateway.nft" <<EOF
table inet filter {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    iifname "$gw_lan_if" oifname "$gw_wan_if" accept
    jump miniupnpd
  }
  chain miniupnpd {
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    jump postrouting_miniupnpd
    oifname "$gw_wan_if" ip saddr 192.168.77.0/24 masquerade
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
}
EOF
  in_ns "$gw" nft -f "$dir/gateway.nft"
}

pid_running() {
  # A zombie counts as gone: the daemon is not our child, so nobody here reaps it.
  [[ -n "${1:-}" ]] && [[ -r "/proc/$1/stat" ]] && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}

gw_pid() { cat "$dir/miniupnpd.pid" 2>/dev/null || true; }

start_log_reader() {
  # miniupnpd logs through syslog, which falls back to /dev/console when there is no /dev/log.
  # The gateway gets a FIFO as its console (in a private mount namespace), read into the log
  # file here. Debug logging (-d) is avoided on purpose: with it, each of the thousands of
  # external ports miniupnpd tries before refusing a NAT-PMP/PCP request costs a log line, and
  # a refusal takes seconds instead of milliseconds.
  [[ -p "$dir/console" ]] || mkfifo "$dir/console"
  if pid_alive "$dir/logreader.pid"; then
    return 0
  fi
  # Opened read-write so that the reader never sees end-of-file between two log lines.
  (exec 3<>"$dir/console"; exec stdbuf -o0 tr -d '\r' <&3 >>"$dir/miniupnpd.log") &
  echo $! >"$dir/logreader.pid"
}

gw_start() {
  if pid_running "$(gw_pid)"; then
    log "gateway already running"
    return 0
  fi
  rm -f "$dir/miniupnpd.pid"
  local mark
  mark=$(wc -l <"$dir/miniupnpd.log" 2>/dev/null || echo 0)
  start_log_reader
  # -v: log requests and refusals (LOG_INFO); miniupnpd daemonizes and writes its pid file.
  ip netns exec "$gw" unshare --mount --propagation private sh -c \
    'mount --bind "$1" /dev/console && exec miniupnpd -v -f "$2" -P "$3"' \
    sh "$dir/console" "$dir/miniupnpd.conf" "$dir/miniupnpd.pid"
  wait_for 5 "miniupnpd's pid file" test -s "$dir/miniupnpd.pid"
  # Ready when STUN said the NAT is full-cone (forwarding on) and the HTTP port answers.
  wait_for 15 "miniupnpd to enable port forwarding" \
    bash -c "tail -n +$((mark + 1)) '$dir/miniupnpd.log' | grep -q 'Port forwarding is now enabled'"
  wait_for 5 "miniupnpd's HTTP port" in_ns "$lan" bash -c 'exec 3<>/dev/tcp/192.168.77.1/5000'
  log "gateway running (pid $(gw_pid))"
}

gw_stop() {
  local pid
  pid=$(gw_pid)
  if ! pid_running "$pid"; then
    rm -f "$dir/miniupnpd.pid"
    return 0
  fi
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    pid_running "$pid" || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/miniupnpd.pid"
  log "gateway stopped"
}

up() {
  if ip netns list | grep -w "$gw" >/dev/null; then
    log "namespaces $prefix-* exist already; run '$0 down' first"
    return 1
  fi
  mkdir -p "$dir"
  : >"$dir/miniupnpd.log"
  for ns in "$wan" "$gw" "$lan"; do
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
  done
  ip link add "$gw_wan_if" netns "$gw" type veth peer name "$wan_if" netns "$wan"
  ip link add "$gw_lan_if" netns "$gw" type veth peer name "$lan_if" netns "$lan"

  in_ns "$wan" ip addr add 198.51.100.2/24 dev "$wan_if"
  in_ns "$wan" ip addr add 198.51.100.3/24 dev "$wan_if"
  in_ns "$wan" ip link set "$wan_if" up

  in_ns "$gw" ip addr add 198.51.100.1/24 dev "$gw_wan_if"
  in_ns "$gw" ip addr add 192.168.77.1/24 dev "$gw_lan_if"
  in_ns "$gw" ip link set "$gw_wan_if" up
  in_ns "$gw" ip link set "$gw_lan_if" up
  # Without a default route the IGD reports itself "not connected".
  in_ns "$gw" ip route add default via 198.51.100.2
  in_ns "$gw" sysctl -q -w net.ipv4.ip_forward=1

  in_ns "$lan" ip addr add 192.168.77.10/24 dev "$lan_if"
  in_ns "$lan" ip link set "$lan_if" up
  in_ns "$lan" ip route add default via 192.168.77.1

  write_firewall
  write_gateway_config

  # STUN with RFC 5780 (CHANGE-REQUEST) needs two addresses and no Debian config file (which
  # sets no-rfc5780); without it miniupnpd decides the NAT is symmetric and refuses to forward.
  ip netns exec "$wan" turnserver -c /dev/null --stun-only -L 198.51.100.2 -L 198.51.100.3 -p 3478 \
    --no-cli --no-tls --no-dtls --log-file stdout >"$dir/turnserver.log" 2>&1 &
  echo $! >"$dir/turnserver.pid"
  wait_for 10 "the STUN server" bash -c "grep -q 'Total General servers' '$dir/turnserver.log' || ip netns exec '$wan' ss -uln | grep -q '198.51.100.3:3478'"

  gw_start
  log "up: node side $lan (192.168.77.10), gateway $gw (192.168.77.1 / 198.51.100.1), outside $wan (198.51.100.2)"
}

down() {
  gw_stop || true
  if pid_alive "$dir/turnserver.pid"; then
    local pid
    pid=$(cat "$dir/turnserver.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/turnserver.pid"
  if pid_alive "$dir/logreader.pid"; then
    kill -TERM "$(cat "$dir/logreader.pid")" 2>/dev/null || true
  fi
  rm -f "$dir/logreader.pid"
  for ns in "$lan" "$gw" "$wan"; do
    if ip netns list | grep -w "$ns" >/dev/null; then
      # Anything still running inside (a node a test left behind) goes with its namespace.
      for pid in $(ip netns pids "$ns" 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null || true
      done
      ip netns del "$ns"
    fi
  done
  log "down"
}

flush_rules() {
  # What a router's reboot does to miniupnpd's rules (a daemon restart alone keeps them).
  for chain in prerouting_miniupnpd miniupnpd postrouting_miniupnpd; do
    in_ns "$gw" nft flush chain inet filter "$chain"
  done
}

rules() {
  in_ns "$gw" nft list chain inet filter prerouting_miniupnpd
  in_ns "$gw" nft list chain inet filter miniupnpd
}

check() {
  in_ns "$lan" upnpc -u http://192.168.77.1:5000/rootDesc.xml -e nat-testbed -a 192.168.77.10 40000 40000 TCP 60
  rules | grep 'dport 40000' >/dev/null || { log "upnpc's mapping is missing from nftables"; return 1; }
  in_ns "$lan" upnpc -u http://192.168.77.1:5000/rootDesc.xml -d 40000 TCP
  in_ns "$lan" natpmpc -g 192.168.77.1 -a 40001 40001 tcp 60
  rules | grep 'dport 40001' >/dev/null || { log "natpmpc's mapping is missing from nftables"; return 1; }
  in_ns "$lan" natpmpc -g 192.168.77.1 -a 40001 40001 tcp 0
  log "check passed"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  up) up ;;
  down) down ;;
  gw-start) gw_start ;;
  gw-stop) gw_stop ;;
  gw-restart) gw_stop; gw_start ;;
  gw-reboot) gw_stop; flush_rules; gw_start ;;
  gw-freeze) kill -STOP "$(gw_pid)"; log "gateway frozen" ;;
  gw-thaw) if pid_running "$(gw_pid)"; then kill -CONT "$(gw_pid)"; fi; log "gateway thawed" ;;
  rules) rules ;;
  # exec: the command replaces this script, so that stopping it stops the command.
  exec) ns="$1"; shift; exec ip netns exec "$prefix-$ns" "$@" ;;
  check) check ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
