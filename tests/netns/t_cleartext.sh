#!/bin/bash
# Cleartext point-to-point tunnel (no TLS, no --secret): ours against ours
# and against Debian's openvpn in both roles, over UDP, UDP/IPv6 and TCP.
# Each case pings across the tunnel in both directions, small and 1400 bytes.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
netns_pair || { fail "namespace setup"; finish; }

TUN_A=10.200.$OCTET.1
TUN_B=10.200.$OCTET.2

# run_case LABEL BIN_A BIN_B PROTO_A PROTO_B REMOTE_OF_A REMOTE_OF_B
run_case() {
	local label=$1 bin_a=$2 bin_b=$3 proto_a=$4 proto_b=$5 rem_a=$6 rem_b=$7
	local log_a="$WORK/$label.a.log" log_b="$WORK/$label.b.log"
	local pid_a pid_b ok=1
	local common=(--dev "tun$UNIQ" --verb 3 --ping 2 --ping-restart 20)

	start_in "$NS_A" "$log_a" "$bin_a" "${common[@]}" --proto "$proto_a" \
		--ifconfig "$TUN_A" "$TUN_B" ${rem_a:+--remote "$rem_a"}
	pid_a=$LAST_PID
	sleep 0.3
	start_in "$NS_B" "$log_b" "$bin_b" "${common[@]}" --proto "$proto_b" \
		--ifconfig "$TUN_B" "$TUN_A" ${rem_b:+--remote "$rem_b"}
	pid_b=$LAST_PID

	wait_log "$log_a" 'Initialization Sequence Completed' 15 || ok=0
	wait_log "$log_b" 'Initialization Sequence Completed' 15 || ok=0
	if [ $ok = 1 ]; then
		ping_ok "$NS_A" "$TUN_B" 56 || { echo "  ping A->B failed"; ok=0; }
		ping_ok "$NS_B" "$TUN_A" 56 || { echo "  ping B->A failed"; ok=0; }
		ping_ok "$NS_A" "$TUN_B" 1400 || { echo "  1400-byte ping A->B failed"; ok=0; }
		ping_ok "$NS_B" "$TUN_A" 1400 || { echo "  1400-byte ping B->A failed"; ok=0; }
	fi
	stop_pid "$pid_a" || { echo "  A did not exit on SIGTERM"; ok=0; }
	stop_pid "$pid_b" || { echo "  B did not exit on SIGTERM"; ok=0; }
	if ip -n "$NS_A" link show "tun$UNIQ" >/dev/null 2>&1; then
		echo "  tun device left behind in A"
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass "$label"
	else
		fail "$label (logs: $log_a $log_b)"
	fi
}

OURS=$OPENVPN_BIN
DEB=$DEBIAN_OPENVPN
for pair in "ours-ours:$OURS:$OURS" "ours-debian:$OURS:$DEB" "debian-ours:$DEB:$OURS"; do
	IFS=: read -r name a b <<<"$pair"
	run_case "$name-udp" "$a" "$b" udp udp "$ADDR_B" "$ADDR_A"
	run_case "$name-udp6" "$a" "$b" udp6 udp6 "$ADDR6_B" "$ADDR6_A"
	run_case "$name-tcp" "$a" "$b" tcp-server tcp-client "" "$ADDR_A"
done
finish
