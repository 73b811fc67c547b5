#!/bin/sh
# Our ovpn-dco module in MP (server) mode over TCP: Debian's openvpn 2.6
# as a --proto tcp-server DCO server, one client with DCO on our module
# and one in userspace (--disable-dco), each in a namespace of its own.
# Every client is a connected socket handed to the kernel: DATA_V2
# records are consumed there, control records reach the server through
# the same socket. Ping both ways, traffic between the clients routed by
# the server's host, SHA-256 checked transfers, a renegotiation on both
# connections while data flows, teardown and rmmod.
. "$(dirname "$0")/lib.sh"

require_bin "$DEB_OPENVPN"
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
in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1

NET=10.95.0
LOG_S=$WORK/server.log
start_daemon "$NS_A" "$LOG_S" "$DEB_OPENVPN" --server "$NET.0" 255.255.255.0 \
	--proto tcp-server --port 1194 --topology subnet --dev "$TUN_DEV" \
	--dev-type tun --dh none --ca "$PKI/ca.crt" --cert "$PKI/server.crt" \
	--key "$PKI/server.key" --keepalive 2 20 --reneg-sec 12 --hand-window 6 \
	--tran-window 10 --tun-mtu 1420 --status "$WORK/server.status" 1 --status-version 2 --verb 3
PID_S=$LAST_PID
wait_log "$LOG_S" "Initialization Sequence Completed" 20 || die "server did not start"
check "server: 'DCO device $TUN_DEV opened'" log_has "$LOG_S" "DCO device $TUN_DEV opened"
check "server: ip -d link shows $TUN_DEV as ovpn-dco" has_dco_link "$NS_A" "$TUN_DEV"

# start_client NAME NS SERVER [extra args]
start_client() {
	local name=$1 ns=$2 addr=$3
	shift 3
	start_daemon "$ns" "$WORK/$name.log" "$DEB_OPENVPN" --client --dev "$TUN_DEV" \
		--dev-type tun --proto tcp-client --remote "$addr" 1194 --nobind \
		--connect-retry 1 --ca "$PKI/ca.crt" --cert "$PKI/$name.crt" \
		--key "$PKI/$name.key" --tun-mtu 1420 --verb 3 "$@"
}
start_client client "$NS_B" "$ADDR_A"
PID_1=$LAST_PID
start_client client2 "$NS_C" 10.99.1.1 --disable-dco
PID_2=$LAST_PID
for c in client client2; do
	wait_log "$WORK/$c.log" "Initialization Sequence Completed" 40 || die "$c did not connect"
done
check "client uses DCO on our module" log_has "$WORK/client.log" "DCO device $TUN_DEV opened"
check "client: ip -d link shows $TUN_DEV as ovpn-dco" has_dco_link "$NS_B" "$TUN_DEV"
if has_dco_link "$NS_C"; then
	fail "client2 was meant to run in userspace"
fi
n=$(grep -c 'TCP connection established' "$LOG_S" || true)
[ "$n" -ge 2 ] && ok "server accepted both clients over TCP ($n connections)" ||
	fail "server logged $n TCP connections"
ip1=$($IP -n "$NS_B" -4 -o addr show dev "$TUN_DEV" | sed -n 's/.* inet \([0-9.]*\).*/\1/p')
ip2=$($IP -n "$NS_C" -4 -o addr show dev "$TUN_DEV" | sed -n 's/.* inet \([0-9.]*\).*/\1/p')
echo "  client: $ip1, client2: $ip2"

check "ping client -> server" ping_ok "$NS_B" "$NET.1"
check "ping client2 -> server" ping_ok "$NS_C" "$NET.1"
check "ping server -> client, 1300 bytes" ping_ok "$NS_A" "$ip1" 1300
check "ping server -> client2, 1300 bytes" ping_ok "$NS_A" "$ip2" 1300
check "client2 -> client through the server's routing" ping_ok "$NS_C" "$ip1"
rx0=$(dev_stat "$NS_A" "$TUN_DEV" rx_bytes)
check "8 MB server -> client with equal SHA-256" transfer_ok "$NS_A" "$NET.1" "$NS_B" 8
check "5 MB client -> server with equal SHA-256" transfer_ok "$NS_B" "$ip1" "$NS_A" 5
check "3 MB client2 -> server with equal SHA-256" transfer_ok "$NS_C" "$ip2" "$NS_A" 3
rx1=$(dev_stat "$NS_A" "$TUN_DEV" rx_bytes)
# the kernel counts what it decrypted on the server's ovpn-dco device
[ $((rx1 - rx0)) -ge $((8 * 1024 * 1024)) ] &&
	ok "server's $TUN_DEV received $((rx1 - rx0)) bytes in the kernel" ||
	fail "server's $TUN_DEV received only $((rx1 - rx0)) bytes"

# renegotiation of both clients while pings flow on the shared streams
up0=$(cut -d. -f1 /proc/uptime)
while [ $(($(cut -d. -f1 /proc/uptime) - up0)) -lt 30 ]; do
	ping_ok "$NS_B" "$NET.1" 56 2 >/dev/null || true
	ping_ok "$NS_C" "$NET.1" 56 2 >/dev/null || true
	n1=$(grep -c 'Control Channel: ' "$WORK/client.log" || true)
	n2=$(grep -c 'Control Channel: ' "$WORK/client2.log" || true)
	[ "$n1" -ge 2 ] && [ "$n2" -ge 2 ] && break
done
[ "$n1" -ge 2 ] && ok "client renegotiated over TCP ($n1 TLS sessions)" ||
	fail "client: no renegotiation seen ($n1 TLS sessions)"
[ "$n2" -ge 2 ] && ok "client2 renegotiated over TCP ($n2 TLS sessions)" ||
	fail "client2: no renegotiation seen ($n2 TLS sessions)"
check "ping client -> server after renegotiation" ping_ok "$NS_B" "$NET.1"
check "ping server -> client2 after renegotiation" ping_ok "$NS_A" "$ip2"
check "3 MB server -> client after renegotiation" transfer_ok "$NS_A" "$NET.1" "$NS_B" 3
check "3 MB server -> client2 after renegotiation" transfer_ok "$NS_A" "$NET.1" "$NS_C" 3
# the server's byte counts of a DCO client come from GET_PEER
sleep 1
b=$(awk -F, '$1 == "CLIENT_LIST" && $2 == "client" { print $6 }' "$WORK/server.status" 2>/dev/null)
if [ "${b:-0}" -ge $((1024 * 1024)) ]; then
	ok "status file: $b bytes received from the DCO client (GET_PEER)"
else
	fail "status file lacks the DCO client's statistics"
	cat "$WORK/server.status" 2>/dev/null || true
fi
for f in "$LOG_S" "$WORK/client.log" "$WORK/client2.log"; do
	if log_has "$f" 'Connection reset|TRANSPORT_ERROR|ovpn-dco: transport error'; then
		fail "$(basename "$f"): a TCP connection broke during the test"
	fi
done

check "client exits on SIGTERM" stop_daemon "$PID_1"
check "client2 exits on SIGTERM" stop_daemon "$PID_2"
check "server exits on SIGTERM" stop_daemon "$PID_S"
if has_dco_link "$NS_A" || has_dco_link "$NS_B"; then
	fail "an ovpn-dco interface survived its daemon's exit"
fi
unload_dco || fail "cannot unload our module"
finish
