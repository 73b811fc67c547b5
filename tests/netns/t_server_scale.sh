#!/bin/bash
# 50 of our clients, each in its own namespace, connect to our server at
# once; all must be connected and pass a ping within a bounded time, and the
# status file must list all 50.
. "$(dirname "$0")/lib.sh"

require_root
require_daemon
N=${SCALE_CLIENTS:-50}
LIMIT=${SCALE_SECONDS:-120}
netns_star "$N" || { fail "namespace setup"; finish; }
"$(dirname "$0")/pki.sh" "$WORK/pki" >/dev/null || { fail "pki"; finish; }
P=$WORK/pki

start_in "$NS_A" "$WORK/server.log" "$OPENVPN_BIN" --server 10.8.0.0 255.255.255.0 \
	--topology subnet --dev "tun$UNIQ" --proto udp --port 1194 --duplicate-cn \
	--keepalive 10 60 --status "$WORK/status" 1 --dh none --ca "$P/ca.crt" \
	--cert "$P/server.crt" --key "$P/server.key" --verb 3
wait_log "$WORK/server.log" 'Initialization Sequence Completed' 10 || { fail "server did not start"; finish; }
t0=$(date +%s%3N)
for ((i = 0; i < N; i++)); do
	start_in "${STAR_NS[$i]}" "$WORK/c$i.log" "$OPENVPN_BIN" --client --dev "tun$UNIQ" \
		--proto udp --remote "$ADDR_A" 1194 --nobind --ca "$P/ca.crt" --cert "$P/client.crt" \
		--key "$P/client.key" --verb 3
done
pingers=()
for ((i = 0; i < N; i++)); do
	(
		end=$(( $(date +%s) + LIMIT ))
		while [ "$(date +%s)" -lt "$end" ]; do
			ip netns exec "${STAR_NS[$i]}" ping -c1 -W1 10.8.0.1 >/dev/null 2>&1 && exit 0
			sleep 0.2
		done
		exit 1
	) &
	pingers+=($!)
done
failed=0
for p in "${pingers[@]}"; do
	wait "$p" || failed=$((failed + 1))
done
t1=$(date +%s%3N)
secs=$(awk -v ms=$((t1 - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
if [ "$failed" = 0 ]; then
	pass "$N clients connected and pinged the server within ${secs} s (limit $LIMIT s)"
else
	fail "$failed of $N clients did not pass a ping within $LIMIT s"
fi
sleep 1.5
rows=$(grep -c '^client,' "$WORK/status")
addrs=$(grep -c '^10\.8\.0\.[0-9]*,client,' "$WORK/status")
if [ "$rows" = "$N" ] && [ "$addrs" = "$N" ]; then
	pass "status file lists $rows clients with $addrs distinct virtual addresses"
else
	fail "status file: $rows client rows, $addrs routes"
fi
# every client can also be reached from the server side
unreached=0
for ((i = 0; i < N; i++)); do
	a=$(ip -n "${STAR_NS[$i]}" -o -4 addr show dev "tun$UNIQ" | awk '{sub("/.*", "", $4); print $4}')
	ip netns exec "$NS_A" ping -c1 -W2 "$a" >/dev/null 2>&1 || unreached=$((unreached + 1))
done
if [ "$unreached" = 0 ]; then
	pass "the server reaches all $N clients by their VPN address"
else
	fail "$unreached clients unreachable from the server"
fi
finish
