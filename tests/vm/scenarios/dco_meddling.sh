#!/bin/sh
# Our daemon with DCO when another process meddles with the kernel state it
# owns (Debian's reference ovpn-dco-v2 module; ovpn_nl_probe plays the
# other process):
#  P2P (ours <-> Debian 2.6, both on DCO):
#   - our peer deleted behind our back: noticed, restart, back on DCO;
#   - the interface deleted (`ip link del`): noticed, created again;
#  server (ours, one Debian client):
#   - a stranger's peer already holds the id the server hands out next:
#     NEW_PEER gets EEXIST, the server replaces it and the client works;
#   - a notification for a peer the server never had is ignored and logged;
#   - the client's peer deleted behind our back: the client is closed and
#     comes back;
#   - the interface deleted: the server restarts and the client comes back.
# Never a crash, a hang or a session that only looks alive.
. "$(dirname "$0")/lib.sh"

PROBE=/usr/local/bin/ovpn_nl_probe
require_ours
require_bin "$DEB_OPENVPN"
require_bin "$PROBE"
require_pki
load_dco ref
netns_pair

# count LOG REGEX: matching lines
count() { grep -Ec -- "$2" "$1" || true; }
# wait_count LOG REGEX N SECS: until LOG has at least N matching lines
wait_count() {
	local i=0
	while [ "$(count "$1" "$2")" -lt "$3" ]; do
		[ $i -ge $(($4 * 5)) ] && return 1
		sleep 0.2
		i=$((i + 1))
	done
}
meddle() { in_ns "$NS_A" "$PROBE" "$TUN_DEV" "$@"; }

# ---- P2P --------------------------------------------------------------------
OPTS="--data-ciphers AES-256-GCM:CHACHA20-POLY1305 --tun-mtu 1420 --ping 1 --ping-restart 6"
OFFLOADED="DCO: data channel offloaded to $TUN_DEV"
p2p_tls_up p2p "$OURS_BIN" "$DEB_OPENVPN" "$OPTS" "$OPTS" || die "p2p: tunnel did not come up"
check "p2p: ours offloaded" log_has "$LOG_A" "$OFFLOADED"
id=$(sed -n "s/.*$OFFLOADED (ovpn-dco-v2): peer-id \([0-9]*\).*/\1/p" "$LOG_A" | tail -n 1)
check "p2p: the probe deletes our peer-id $id" meddle del-peer "$id"
check "p2p: the foreign delete is noticed" wait_log "$LOG_A" \
	"DCO: the kernel's peer was deleted outside this daemon; restarting" 10
check "p2p: back on DCO after the restart" wait_count "$LOG_A" "$OFFLOADED" 2 60
# B (Debian) notices A's restart by its own ping-restart; wait until it is
# through its new handshake too
check "p2p: B reconnected" wait_count "$LOG_B" "Initialization Sequence Completed" 2 30
check "p2p: ping B -> A after the peer came back" ping_ok "$NS_B" "$TUN_A" 56 5

$IP -n "$NS_A" link del "$TUN_DEV"
check "p2p: the deleted interface is noticed" wait_log "$LOG_A" \
	"DCO: the ovpn-dco interface was deleted \(or our peer replaced\) outside this daemon; restarting" 10
check "p2p: back on DCO with a new interface" wait_count "$LOG_A" "$OFFLOADED" 3 60
check "p2p: ip -d link shows the new $TUN_DEV as ovpn-dco" has_dco_link "$NS_A" "$TUN_DEV"
check "p2p: B reconnected again" wait_count "$LOG_B" "Initialization Sequence Completed" 3 30
check "p2p: ping B -> A on the new interface" ping_ok "$NS_B" "$TUN_A" 56 5
check "p2p: A exits on SIGTERM" stop_daemon "$PID_A"
check "p2p: B exits on SIGTERM" stop_daemon "$PID_B"
if has_dco_link "$NS_A"; then
	fail "p2p: an ovpn-dco interface survived our daemon"
	$IP -n "$NS_A" link del "$TUN_DEV" 2>/dev/null || true
fi

# ---- server -----------------------------------------------------------------
NET=10.97.0
LOG_S=$WORK/server.log
LOG_C=$WORK/client.log
# verb 4 shows the notifications the server ignores
start_daemon "$NS_A" "$LOG_S" "$OURS_BIN" --server "$NET.0" 255.255.255.0 --topology subnet \
	--dev "$TUN_DEV" --dev-type tun --dh none --ca "$PKI/ca.crt" --cert "$PKI/server.crt" \
	--key "$PKI/server.key" --keepalive 1 5 --tun-mtu 1420 --verb 4
PID_S=$LAST_PID
wait_log "$LOG_S" "Initialization Sequence Completed" 20 || die "server did not start"

# a stranger's peer with the first id the server will hand out
check "server: the probe adds a peer with id 0" meddle add-peer 0 "$NET.200"
start_daemon "$NS_B" "$LOG_C" "$DEB_OPENVPN" --client --dev "$TUN_DEV" --dev-type tun \
	--remote "$ADDR_A" 1194 --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
	--key "$PKI/client.key" --tun-mtu 1420 --verb 3
PID_C=$LAST_PID
CLIENT_OFFLOADED="client/[^ ]*: DCO: data channel offloaded to $TUN_DEV: peer-id"
check "server: EEXIST on NEW_PEER, the stranger replaced" wait_log "$LOG_S" \
	"client/.*DCO: the kernel already has a peer with id 0; replacing it" 40
check "server: client offloaded with peer-id 0" wait_log "$LOG_S" "$CLIENT_OFFLOADED 0," 10
check "client: ping to the server" ping_ok "$NS_B" "$NET.1" 56 5

check "server: the probe adds a peer the server never had" meddle add-peer 4242 "$NET.201"
check "server: the probe deletes it" meddle del-peer 4242
check "server: its notification is ignored" wait_log "$LOG_S" \
	"DCO: notification for unknown peer-id 4242 ignored" 10
check "client: still served" ping_ok "$NS_B" "$NET.1" 56 5

check "server: the probe deletes the client's peer-id 0" meddle del-peer 0
check "server: the foreign delete closes the client" wait_log "$LOG_S" \
	"client/.*DCO: peer-id 0 was deleted outside this daemon; closing the client" 10
check "server: the client comes back on DCO" wait_count "$LOG_S" "$CLIENT_OFFLOADED" 2 60
check "client: reconnected" wait_count "$LOG_C" "Initialization Sequence Completed" 2 30
check "client: ping after it came back" ping_ok "$NS_B" "$NET.1" 56 5

$IP -n "$NS_A" link del "$TUN_DEV"
check "server: the deleted interface is noticed" wait_log "$LOG_S" \
	"DCO: interface $TUN_DEV was deleted outside this daemon; restarting the server" 10
check "server: restarted with a new interface" \
	wait_count "$LOG_S" "Initialization Sequence Completed" 2 30
check "server: ip -d link shows the new $TUN_DEV as ovpn-dco" has_dco_link "$NS_A" "$TUN_DEV"
check "server: the client comes back on DCO again" wait_count "$LOG_S" "$CLIENT_OFFLOADED" 3 60
check "client: reconnected again" wait_count "$LOG_C" "Initialization Sequence Completed" 3 30
check "client: ping on the new interface" ping_ok "$NS_B" "$NET.1" 56 5
if log_has "$LOG_C" "AUTH_FAILED"; then
	fail "client: refused while the server's kernel state was broken: $(grep -m 1 AUTH_FAILED "$LOG_C")"
fi

check "server exits on SIGTERM" stop_daemon "$PID_S"
check "client exits on SIGTERM" stop_daemon "$PID_C"
if has_dco_link "$NS_A"; then
	fail "server: an ovpn-dco interface survived our daemon"
fi
finish
