#!/bin/sh
# Our ovpn-dco module in MP (server) mode under Debian's openvpn 2.6:
# a UDP server with two Debian clients (each with DCO on our module, in
# namespaces of their own). Peers are found by VPN address, an iroute
# behind the first client is a kernel route via its VPN address, traffic
# between the clients is routed by the server's host, renegotiation every
# 10 s, and a client whose path is cut expires in the kernel (EXPIRED
# notification, the server drops the client instance).
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

NET=10.96.0
mkdir -p "$WORK/ccd"
echo "iroute 192.168.78.0 255.255.255.0" >"$WORK/ccd/client"
$IP -n "$NS_B" addr add 192.168.78.1/32 dev lo

LOG_S=$WORK/server.log
start_daemon "$NS_A" "$LOG_S" "$DEB_OPENVPN" --server "$NET.0" 255.255.255.0 \
	--server-ipv6 fd00:96::/64 --topology subnet --dev "$TUN_DEV" --dev-type tun \
	--dh none --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
	--keepalive 1 5 --reneg-sec 10 --hand-window 12 --tran-window 8 --tun-mtu 1420 \
	--client-config-dir "$WORK/ccd" --route 192.168.78.0 255.255.255.0 \
	--push "route 192.168.78.0 255.255.255.0" --verb 3
PID_S=$LAST_PID
wait_log "$LOG_S" "Initialization Sequence Completed" 20 || die "server did not start"
check "server: 'DCO device $TUN_DEV opened'" log_has "$LOG_S" "DCO device $TUN_DEV opened"
check "server: ip -d link shows $TUN_DEV as ovpn-dco" has_dco_link "$NS_A" "$TUN_DEV"

start_client() {
	local name=$1 ns=$2 addr=$3
	start_daemon "$ns" "$WORK/$name.log" "$DEB_OPENVPN" --client --dev "$TUN_DEV" \
		--dev-type tun --remote "$addr" 1194 --nobind --ca "$PKI/ca.crt" \
		--cert "$PKI/$name.crt" --key "$PKI/$name.key" --tun-mtu 1420 --verb 3
}
start_client client "$NS_B" "$ADDR_A"
PID_1=$LAST_PID
start_client client2 "$NS_C" 10.99.1.1
PID_2=$LAST_PID
for c in client client2; do
	wait_log "$WORK/$c.log" "Initialization Sequence Completed" 40 || die "$c did not connect"
	check "$c uses DCO" log_has "$WORK/$c.log" "DCO device $TUN_DEV opened"
done
ip1=$($IP -n "$NS_B" -4 -o addr show dev "$TUN_DEV" | sed -n 's/.* inet \([0-9.]*\).*/\1/p')
ip2=$($IP -n "$NS_C" -4 -o addr show dev "$TUN_DEV" | sed -n 's/.* inet \([0-9.]*\).*/\1/p')
echo "  client: $ip1, client2: $ip2"

check "ping client -> server" ping_ok "$NS_B" "$NET.1"
check "ping client2 -> server" ping_ok "$NS_C" "$NET.1"
check "ping server -> client" ping_ok "$NS_A" "$ip1"
check "ping server -> client2" ping_ok "$NS_A" "$ip2"
check "ping server -> client over IPv6" \
	in_ns "$NS_A" ping -q -c 3 -i 0.2 -W 2 fd00:96::1000
check "iroute 192.168.78.1 behind client reachable from the server" \
	ping_ok "$NS_A" 192.168.78.1
check "client2 -> client through the server's routing" ping_ok "$NS_C" "$ip1"
check "client2 -> iroute behind client" ping_ok "$NS_C" 192.168.78.1
check "10 MB server -> client with equal SHA-256" transfer_ok "$NS_A" "$NET.1" "$NS_B" 10
check "10 MB client2 -> server with equal SHA-256" transfer_ok "$NS_C" "$ip2" "$NS_A" 10
sleep 14
check "ping client -> server after renegotiation" ping_ok "$NS_B" "$NET.1"
check "ping client2 -> server after renegotiation" ping_ok "$NS_C" "$NET.1"
check "5 MB server -> client2 after renegotiation" transfer_ok "$NS_A" "$NET.1" "$NS_C" 5

# cut client2's path: the kernel expires it after 2 x 5 s (--hand-window
# is longer, so a renegotiation that starts after the cut cannot time out
# first and close the client for a TLS error instead)
$IP -n "$NS_C" link set "vbc$UNIQ" down
if wait_log "$LOG_S" "client2/.*(ovpn-dco: ping expired|Inactivity timeout)" 25; then
	ok "client2 expired after its path was cut"
else
	fail "client2 not expired by the kernel"
fi
check "client still reachable" ping_ok "$NS_A" "$ip1"
kill "$PID_2" 2>/dev/null

check "client exits on SIGTERM" stop_daemon "$PID_1"
check "server exits on SIGTERM" stop_daemon "$PID_S"
if has_dco_link "$NS_A"; then
	fail "the server's ovpn-dco interface survived its exit"
fi
finish
