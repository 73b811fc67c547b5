#!/bin/bash
# Server mode over time: per-client renegotiation, keepalive expiry of a
# client that vanished, a single client restarting without disturbing the
# others, --explicit-exit-notify from the server, SIGUSR2 status rewrites,
# and IPv6 as the transport (UDP and TCP).
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
netns_star 2 || { fail "namespace setup"; finish; }
C0=${STAR_NS[0]} C1=${STAR_NS[1]}
"$(dirname "$0")/pki.sh" "$WORK/pki" >/dev/null || { fail "pki"; finish; }
P=$WORK/pki
CREDS_S=(--dh none --ca "$P/ca.crt" --cert "$P/server.crt" --key "$P/server.key")
CREDS_C=(--ca "$P/ca.crt" --cert "$P/client.crt" --key "$P/client.key")

# server LOGNAME PROTO [extra args]: starts ours, sets PID_S
server() {
	local log=$1 proto=$2
	shift 2
	start_in "$NS_A" "$WORK/$log.log" "$OPENVPN_BIN" --server 10.8.0.0 255.255.255.0 \
		--topology subnet --dev "tun$UNIQ" --proto "$proto" --port 1194 --duplicate-cn \
		--status "$WORK/$log.status" 3600 "${CREDS_S[@]}" --verb 3 "$@"
	PID_S=$LAST_PID
	wait_log "$WORK/$log.log" 'Initialization Sequence Completed' 10
}

# client NS LOGNAME BINARY PROTO REMOTE [extra args]: sets LAST_PID
client() {
	local ns=$1 log=$2 bin=$3 proto=$4 remote=$5
	shift 5
	start_in "$ns" "$WORK/$log.log" "$bin" --client --dev "tun$UNIQ" --proto "$proto" \
		--remote "$remote" 1194 --nobind "${CREDS_C[@]}" --verb 3 "$@"
}

tun_addr() {
	ip -n "$1" -o -4 addr show dev "tun$UNIQ" 2>/dev/null | awk '{sub("/.*", "", $4); print $4}'
}

# ---- renegotiation, keepalive expiry, single-client restart, exit notify ----
server life udp --keepalive 1 4 --reneg-sec 5 --explicit-exit-notify 1 ||
	{ fail "server did not start"; finish; }
client "$C0" deb "$DEBIAN_OPENVPN" udp "$ADDR_A"; PID_D=$LAST_PID
client "$C1" ours "$OPENVPN_BIN" udp "$ADDR_A"; PID_O=$LAST_PID
wait_log "$WORK/deb.log" 'Initialization Sequence Completed' 30 &&
	wait_log "$WORK/ours.log" 'Initialization Sequence Completed' 30 || fail "clients did not connect"

# 12 s of pings across at least two renegotiations per client
ip netns exec "$C0" ping -q -c 48 -i 0.25 -W 1 10.8.0.1 >"$WORK/ping-deb.txt" 2>&1 &
PING1=$!
ip netns exec "$C1" ping -q -c 48 -i 0.25 -W 1 10.8.0.1 >"$WORK/ping-ours.txt" 2>&1 &
PING2=$!
wait "$PING1" "$PING2"
lost1=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping-deb.txt")
lost2=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping-ours.txt")
keys=$(grep -c "TLS: soft reset" "$WORK/life.log")
if [ "${lost1:-0}" -ge 47 ] && [ "${lost2:-0}" -ge 47 ] && [ "$keys" -ge 4 ]; then
	pass "renegotiation every 5 s: $keys soft resets, pings received $lost1/48 and $lost2/48"
else
	fail "renegotiation: keys $keys, pings ${lost1:-?}/48 ${lost2:-?}/48"
fi

# SIGUSR1 to our client: it reconnects; the Debian client is not disturbed
kill -USR1 "$PID_O"
ip netns exec "$C0" ping -q -c 20 -i 0.2 -W 1 10.8.0.1 >"$WORK/ping-during.txt" 2>&1
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping-during.txt")
if [ "${got:-0}" -ge 19 ] && wait_log "$WORK/ours.log" 'Initialization Sequence Completed' 20 &&
	[ "$(grep -c 'Initialization Sequence Completed' "$WORK/ours.log")" -ge 2 ] &&
	ping_ok "$C1" 10.8.0.1; then
	pass "one client restarted (SIGUSR1) while the other kept passing traffic ($got/20)"
else
	fail "single-client restart: other client got ${got:-?}/20"
fi

# SIGUSR2 rewrites the status file at once
rm -f "$WORK/life.status"
kill -USR2 "$PID_S"
sleep 0.5
# (three sessions: ours before its restart is there until its keepalive ends)
rows=$(grep -c '^client,' "$WORK/life.status" 2>/dev/null)
if [ "${rows:-0}" -ge 2 ] && grep -q "^client,$ADDR_B\|^client,10\.77\.$OCTET\.10:" "$WORK/life.status"; then
	pass "SIGUSR2 rewrote the status file ($rows client rows)"
else
	fail "status after SIGUSR2: $(cat "$WORK/life.status" 2>/dev/null | head -3)"
fi

# our client vanishes without a word: gone after the keepalive timeout
# (server side: 2 x 4 s)
expired() { grep -c 'SIGTERM\[soft,ping-restart\] received, client-instance exiting' "$WORK/life.log"; }
before=$(expired)
kill -KILL "$PID_O"
wait "$PID_O" 2>/dev/null
for _ in $(seq 150); do
	[ "$(expired)" -gt "$before" ] && break
	sleep 0.1
done
if [ "$(expired)" -gt "$before" ]; then
	pass "a client killed without notice was removed after the keepalive timeout"
else
	fail "dead client not removed"
fi

# --explicit-exit-notify on the server: the Debian client is told to
# reconnect and does, to the restarted server
kill -TERM "$PID_S"
if wait_log "$WORK/deb.log" 'SIGUSR1\[soft,server-pushed-connection-reset\]' 10; then
	pass "server exit notified the Debian client (RESTART)"
else
	fail "Debian client not notified of the server exit"
fi
wait_gone "$PID_S" 10
server life2 udp --keepalive 1 4
if wait_log "$WORK/life2.log" 'Data Channel: cipher' 40 && ping_ok "$C0" 10.8.0.1; then
	pass "the Debian client reconnected to the new server instance"
else
	fail "Debian client did not come back"
fi
stop_pid "$PID_D"
stop_pid "$PID_S"

# ---- IPv6 transport ---------------------------------------------------------
for proto in udp6 tcp6; do
	cproto=$proto
	[ "$proto" = tcp6 ] && cproto=tcp6-client
	sproto=$proto
	[ "$proto" = tcp6 ] && sproto=tcp6-server
	server "v6$proto" "$sproto" || { fail "$proto: server did not start"; continue; }
	client "$C0" "deb$proto" "$DEBIAN_OPENVPN" "$cproto" "$ADDR6_A"; p0=$LAST_PID
	client "$C1" "ours$proto" "$OPENVPN_BIN" "$cproto" "$ADDR6_A"; p1=$LAST_PID
	if wait_log "$WORK/deb$proto.log" 'Initialization Sequence Completed' 30 &&
		wait_log "$WORK/ours$proto.log" 'Initialization Sequence Completed' 30 &&
		ping_ok "$C0" 10.8.0.1 1200 && ping_ok "$C1" 10.8.0.1 1200; then
		pass "$proto transport: Debian client and ours connected over IPv6"
	else
		fail "$proto transport"
	fi
	stop_pid "$p0"
	stop_pid "$p1"
	stop_pid "$PID_S"
done
finish
