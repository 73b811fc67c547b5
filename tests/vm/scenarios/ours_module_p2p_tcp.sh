#!/bin/sh
# Our ovpn-dco module with a TCP transport: Debian's openvpn 2.6 P2P TLS
# over TCP (A tcp-server, B tcp-client) with DCO on both ends. The kernel
# consumes the DATA_V2 records, the control records reach the daemons
# through the same socket. Ping, SHA-256 checked transfers in both
# directions, one of them across a renegotiation (control records and
# kernel records sharing the stream), GET_PEER statistics, teardown.
. "$(dirname "$0")/lib.sh"

require_bin "$DEB_OPENVPN"
require_pki
load_dco extra
netns_pair

c=AES-256-GCM
opts="--cipher $c --data-ciphers $c --ping 2 --ping-restart 30
	--reneg-sec 15 --hand-window 6 --tran-window 10"
p2p_tls_up tcp "$DEB_OPENVPN" "$DEB_OPENVPN" \
	"$opts --proto tcp-server --status $WORK/tcp.status 1" \
	"$opts --proto tcp-client --connect-retry 1" 40 ||
	die "tunnel over TCP did not come up"
ok "tunnel over TCP up"
for side in A B; do
	if [ "$side" = A ]; then log=$LOG_A ns=$NS_A; else log=$LOG_B ns=$NS_B; fi
	check "$side: log says 'DCO device $TUN_DEV opened'" \
		log_has "$log" "DCO device $TUN_DEV opened"
	if log_has "$log" '[Dd]isabling data channel offload'; then
		fail "$side: openvpn disabled DCO"
	fi
	check "$side: ip -d link shows $TUN_DEV as ovpn-dco" has_dco_link "$ns" "$TUN_DEV"
	check "$side: TCP transport" log_has "$log" 'TCP connection established'
done
if ! ping_ok "$NS_B" "$TUN_A"; then
	fail "ping B -> A"
	cat "$WORK/tcp.status"
	$IP -n "$NS_A" -s link show "$TUN_DEV"
	$IP -n "$NS_B" -s link show "$TUN_DEV"
	dmesg | tail -n 60
	die "no data over TCP"
fi
ok "ping B -> A"
check "ping A -> B, 1300 bytes" ping_ok "$NS_A" "$TUN_B" 1300
check "20 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 20
check "10 MB B -> A with equal SHA-256" transfer_ok "$NS_B" "$TUN_B" "$NS_A" 10
# wait for the renegotiation while data flows
up0=$(cut -d. -f1 /proc/uptime)
while [ $(($(cut -d. -f1 /proc/uptime) - up0)) -lt 20 ]; do
	ping_ok "$NS_B" "$TUN_A" 56 2 >/dev/null || true
	n=$(grep -c 'Control Channel: ' "$LOG_A")
	[ "$n" -ge 2 ] && break
done
n=$(grep -c 'Control Channel: ' "$LOG_A")
[ "$n" -ge 2 ] && ok "renegotiated over the shared TCP stream ($n TLS sessions)" ||
	fail "no renegotiation seen ($n TLS sessions)"
check "ping B -> A after renegotiation" ping_ok "$NS_B" "$TUN_A"
check "10 MB A -> B after renegotiation" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 10
if [ -f "$WORK/tcp.status" ] && grep -Eq '^TUN/TAP read bytes,[1-9]' "$WORK/tcp.status"; then
	ok "GET_PEER statistics reach the status file"
else
	fail "no GET_PEER statistics in the status file"
	cat "$WORK/tcp.status" 2>/dev/null
fi
rx=$(dev_stat "$NS_B" "$TUN_DEV" rx_bytes)
[ "$rx" -ge $((30 * 1024 * 1024)) ] && ok "B's $TUN_DEV received $rx bytes" ||
	fail "B's $TUN_DEV received only $rx bytes"
if log_has "$LOG_A" 'Connection reset|TRANSPORT_ERROR' || log_has "$LOG_B" 'Connection reset'; then
	fail "the TCP connection was reset during the test"
fi
check "A exits on SIGTERM" stop_daemon "$PID_A"
check "B exits on SIGTERM" stop_daemon "$PID_B"
if has_dco_link "$NS_A" || has_dco_link "$NS_B"; then
	fail "an ovpn-dco interface survived the daemon's exit"
fi
unload_dco || fail "cannot unload our module"
finish
