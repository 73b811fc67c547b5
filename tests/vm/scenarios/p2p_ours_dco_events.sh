#!/bin/sh
# Our daemon with DCO through the events of a connection's life, on
# Debian's reference ovpn-dco-v2 module:
#  - renegotiation (ours <-> Debian 2.6, then ours <-> ours with --user
#    nobody on our side A): the new key goes to the secondary slot, is
#    swapped in, the old one is deleted, and traffic keeps flowing;
#  - the path goes away: the kernel's keepalive expires the peer, the
#    DEL_PEER notification becomes --ping-restart, and the tunnel comes back
#    with DCO when the path returns;
#  - P2P over TCP with the socket handed to the kernel.
. "$(dirname "$0")/lib.sh"

require_ours
require_bin "$DEB_OPENVPN"
require_pki
load_dco ref
netns_pair

BASE="--data-ciphers AES-256-GCM:CHACHA20-POLY1305 --tun-mtu 1420"
RENEG="$BASE --ping 2 --ping-restart 30 --reneg-sec 10 --hand-window 6 --tran-window 8"

# ---- renegotiation --------------------------------------------------------
reneg() {
	local label=$1 ba=$2 bb=$3 xa=${4:-}
	p2p_tls_up "$label" "$ba" "$bb" "$RENEG $xa" "$RENEG" || { fail "$label: tunnel did not come up"; return; }
	ok "$label: tunnel up"
	if [ -n "$xa" ]; then
		check "$label: A dropped to nobody, keeping CAP_NET_ADMIN" log_has "$LOG_A" \
			"Retaining CAP_NET_ADMIN \(and no other capability\)"
		check "$label: A offloaded despite --user" log_has "$LOG_A" "DCO: data channel offloaded"
	fi
	# two renegotiations (at about 10 s and 20 s) with their swaps and deletes
	check "$label: key-id 1 went to the secondary slot" \
		wait_log "$LOG_A" "DCO: key-id 1 installed in the secondary slot" 25
	check "$label: key-id 1 swapped in" wait_log "$LOG_A" "DCO: primary key is now key-id 1" 15
	check "$label: key-id 0 deleted" wait_log "$LOG_A" "DCO: key-id 0 deleted" 15
	check "$label: key-id 2 swapped in" wait_log "$LOG_A" "DCO: primary key is now key-id 2" 25
	check "$label: ping B -> A after renegotiations" ping_ok "$NS_B" "$TUN_A"
	check "$label: ping A -> B after renegotiations" ping_ok "$NS_A" "$TUN_B"
	check "$label: 5 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 5
	if log_has "$LOG_A" "falling back|dco-update-keys-error|dco-key-error"; then
		fail "$label: key handling failed: $(grep -E -m 1 'falling back|dco-.*error' "$LOG_A")"
	fi
	stop_daemon "$PID_A" || fail "$label: A did not exit on SIGTERM"
	stop_daemon "$PID_B" || fail "$label: B did not exit on SIGTERM"
	if has_dco_link "$NS_A"; then
		fail "$label: A left its ovpn-dco interface behind"
		$IP -n "$NS_A" link del "$TUN_DEV" 2>/dev/null || true
	fi
}
reneg reneg-ours-deb "$OURS_BIN" "$DEB_OPENVPN"
# --user: the keys of each renegotiation and the interface's removal at
# exit need CAP_NET_ADMIN, kept across the drop as 2.6 does
reneg reneg-ours-ours "$OURS_BIN" "$OURS_BIN" "--user nobody --group nogroup"

# ---- keepalive expiry -----------------------------------------------------
KA="$BASE --ping 1 --ping-restart 5"
if p2p_tls_up expiry "$OURS_BIN" "$OURS_BIN" "$KA" "$KA"; then
	ok "expiry: tunnel up"
	check "expiry: ping before the cut" ping_ok "$NS_B" "$TUN_A"
	# cut the path: the daemons stay alive, so only the kernel timers notice
	$IP -n "$NS_A" link set "$VETH_A" down
	check "expiry: kernel expiry becomes --ping-restart" \
		wait_log "$LOG_A" "Inactivity timeout \(--ping-restart\), restarting" 20
	check "expiry: interface closed on restart" wait_log "$LOG_A" "Closing DCO interface $TUN_DEV" 5
	$IP -n "$NS_A" link set "$VETH_A" up
	n=0
	while [ "$(grep -c 'DCO: data channel offloaded' "$LOG_A")" -lt 2 ] && [ $n -lt 60 ]; do
		sleep 1
		n=$((n + 1))
	done
	if [ "$(grep -c 'DCO: data channel offloaded' "$LOG_A")" -ge 2 ]; then
		ok "expiry: reconnected with DCO"
	else
		fail "expiry: no second offloaded connection"
	fi
	check "expiry: ping after reconnect" ping_ok "$NS_B" "$TUN_A" 56 5
	stop_daemon "$PID_A" || fail "expiry: A did not exit"
	stop_daemon "$PID_B" || fail "expiry: B did not exit"
else
	fail "expiry: tunnel did not come up"
fi

# ---- TCP ------------------------------------------------------------------
LOG_A=$WORK/tcp.a.log
LOG_B=$WORK/tcp.b.log
# shellcheck disable=SC2086
start_daemon "$NS_A" "$LOG_A" "$OURS_BIN" --dev "$TUN_DEV" --proto tcp-server --local "$ADDR_A" \
	--lport 1194 --ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$PKI/ca.crt" \
	--cert "$PKI/server.crt" --key "$PKI/server.key" --verb 3 $BASE --ping 2 --ping-restart 20
PID_A=$LAST_PID
# shellcheck disable=SC2086
start_daemon "$NS_B" "$LOG_B" "$DEB_OPENVPN" --dev "$TUN_DEV" --dev-type tun --proto tcp-client \
	--remote "$ADDR_A" 1194 --ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$PKI/ca.crt" \
	--cert "$PKI/client.crt" --key "$PKI/client.key" --verb 3 $BASE --ping 2 --ping-restart 20
PID_B=$LAST_PID
if wait_log "$LOG_A" "Initialization Sequence Completed" 30 &&
	wait_log "$LOG_B" "Initialization Sequence Completed" 30; then
	check "tcp: ours offloaded the TCP connection" log_has "$LOG_A" "DCO: data channel offloaded"
	check "tcp: ping B -> A" ping_ok "$NS_B" "$TUN_A"
	check "tcp: 5 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 5
else
	fail "tcp: tunnel did not come up"
fi
stop_daemon "$PID_A" || fail "tcp: A did not exit"
stop_daemon "$PID_B" || fail "tcp: B did not exit"
finish
