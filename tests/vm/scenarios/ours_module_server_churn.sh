#!/bin/sh
# Our ovpn-dco module in MP (server) mode while peers come and go: a
# Debian openvpn 2.6 UDP server with DCO, one client streaming iperf3 to
# it, and meanwhile rounds of three more clients (same certificate,
# --duplicate-cn) that connect and exit, so NEW_PEER and DEL_PEER hit the
# peer tables while the data path is busy. The stream must go on, the
# churned peers must be gone from the kernel afterwards, and the module
# must unload.
. "$(dirname "$0")/lib.sh"

require_bin "$DEB_OPENVPN"
require_bin /usr/bin/iperf3
require_pki
[ -f "$PKI/client2.crt" ] || skip "test PKI without client2"
load_dco extra
netns_pair

NS_C=$SCENARIO-$UNIQ-c
$IP netns add "$NS_C"
$IP link add "vac$UNIQ" netns "$NS_A" type veth peer name "vbc$UNIQ" netns "$NS_C"
$IP -n "$NS_A" addr add 10.99.1.1/24 dev "vac$UNIQ"
$IP -n "$NS_C" addr add 10.99.1.2/24 dev "vbc$UNIQ"
$IP -n "$NS_C" link set lo up
$IP -n "$NS_A" link set "vac$UNIQ" up
$IP -n "$NS_C" link set "vbc$UNIQ" up
trap 'cleanup; $IP netns del "$NS_C" 2>/dev/null || true' EXIT

NET=10.97.0
ROUNDS=${CHURN_ROUNDS:-3}
LOG_S=$WORK/server.log
start_daemon "$NS_A" "$LOG_S" "$DEB_OPENVPN" --server "$NET.0" 255.255.255.0 \
	--topology subnet --dev "$TUN_DEV" --dev-type tun --duplicate-cn \
	--dh none --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
	--keepalive 2 20 --tun-mtu 1420 --verb 3
PID_S=$LAST_PID
wait_log "$LOG_S" "Initialization Sequence Completed" 20 || die "server did not start"
check "server: ip -d link shows $TUN_DEV as ovpn-dco" has_dco_link "$NS_A" "$TUN_DEV"

# start_client NAME NS REMOTE DEV LOG
start_client() {
	start_daemon "$2" "$5" "$DEB_OPENVPN" --client --dev "$4" --dev-type tun \
		--remote "$3" 1194 --nobind --ca "$PKI/ca.crt" --cert "$PKI/$1.crt" \
		--key "$PKI/$1.key" --tun-mtu 1420 --explicit-exit-notify 1 --verb 3
}
start_client client "$NS_B" "$ADDR_A" "$TUN_DEV" "$WORK/client.log"
PID_1=$LAST_PID
wait_log "$WORK/client.log" "Initialization Sequence Completed" 40 || die "client did not connect"
check "client uses DCO" log_has "$WORK/client.log" "DCO device $TUN_DEV opened"
check "ping client -> server" ping_ok "$NS_B" "$NET.1"

# the churn, in the background while iperf3 runs in the foreground
churn() {
	local r i pids
	for r in $(seq "$ROUNDS"); do
		pids=""
		for i in 1 2 3; do
			start_client client2 "$NS_C" 10.99.1.1 "ch$i" "$WORK/churn-$r-$i.log"
			pids="$pids $LAST_PID"
		done
		for i in 1 2 3; do
			wait_log "$WORK/churn-$r-$i.log" "Initialization Sequence Completed" 40 ||
				echo "  churn round $r: client $i did not connect"
		done
		for p in $pids; do kill "$p" 2>/dev/null || true; done
		for p in $pids; do wait_gone "$p" 10 || kill -9 "$p" 2>/dev/null || true; done
	done
	echo done >"$WORK/churn.done"
}
churn >"$WORK/churn.out" 2>&1 &
CHURN=$!
PIDS="$PIDS $CHURN"

secs=0
mbps=0
while [ ! -f "$WORK/churn.done" ] && [ $secs -lt 150 ]; do
	m=$(iperf_mbps "$NS_A" "$NET.1" "$NS_B" 10) || m=0
	echo "  iperf3 client -> server during churn: $m Mbit/s"
	case $m in 0 | 0.0 | "") fail "iperf3 stalled during churn" ;; esac
	mbps=$m
	secs=$((secs + 10))
done
wait "$CHURN" 2>/dev/null || true
cat "$WORK/churn.out"
[ -f "$WORK/churn.done" ] && ok "$ROUNDS churn rounds of 3 clients done" ||
	fail "the churn did not finish"
[ "$mbps" != 0 ] && ok "iperf3 ran during the churn ($mbps Mbit/s last)" ||
	fail "no iperf3 result"
n=$(grep -c '\[client2\] Peer Connection Initiated' "$LOG_S" || true)
[ "$n" -ge $((ROUNDS * 3)) ] && ok "server saw $n churned connections" ||
	fail "server saw only $n churned connections"

# every churned peer leaves the kernel once the server sees its exit notify
i=0
while [ $i -lt 30 ]; do
	gone=$(grep -c 'SIGTERM\[soft,remote-exit\]\|client-instance exiting' "$LOG_S" || true)
	[ "$gone" -ge $((ROUNDS * 3)) ] && break
	i=$((i + 1))
	sleep 1
done
gone=$(grep -c 'SIGTERM\[soft,remote-exit\]\|client-instance exiting' "$LOG_S" || true)
[ "$gone" -ge $((ROUNDS * 3)) ] && ok "server removed the $gone churned clients" ||
	fail "server removed only $gone of $((ROUNDS * 3)) churned clients"
check "ping client -> server after the churn" ping_ok "$NS_B" "$NET.1"
check "5 MB server -> client with equal SHA-256 after the churn" \
	transfer_ok "$NS_A" "$NET.1" "$NS_B" 5

check "client exits on SIGTERM" stop_daemon "$PID_1"
check "server exits on SIGTERM" stop_daemon "$PID_S"
if has_dco_link "$NS_A" || has_dco_link "$NS_C"; then
	fail "an ovpn-dco interface survived its daemon"
fi
unload_dco || fail "cannot unload our module"
finish
