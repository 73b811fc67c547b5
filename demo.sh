#!/bin/bash
# The demo command: install dependencies, build, make a throwaway PKI, run a
# TLS tunnel between two network namespaces from the configs in
# sample-config/ (ours on both ends, then Debian's openvpn 2.6 on both ends
# for comparison), measure it, print a summary and tear everything down.
set -eu
cd "$(dirname "$0")"
./scripts/install-deps.sh
./scripts/build.sh >/dev/null

OURS=$PWD/src/openvpn/openvpn
DEB=/usr/sbin/openvpn
ID=$(printf '%x' $(( ($$ + RANDOM) % 65536 )))
NS_A=ovdemo-$ID-a
NS_B=ovdemo-$ID-b
NS_C=ovdemo-$ID-c
WORK=$(mktemp -d /tmp/ovdemo.XXXXXX)
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.5
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
	ip netns del "${NS_C:-}" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add "dva$ID" netns "$NS_A" type veth peer name "dvb$ID" netns "$NS_B"
ip -n "$NS_A" addr add 10.77.250.1/24 dev "dva$ID"
ip -n "$NS_B" addr add 10.77.250.2/24 dev "dvb$ID"
for ns in "$NS_A" "$NS_B"; do ip -n "$ns" link set lo up; done
ip -n "$NS_A" link set "dva$ID" up
ip -n "$NS_B" link set "dvb$ID" up
tests/netns/pki.sh "$WORK/pki" >/dev/null
"$OURS" --genkey secret "$WORK/pki/ta.key"

wait_for() { # file regex seconds
	for _ in $(seq $(($3 * 20))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}

# run_pair LABEL BINARY: start both sides, measure, stop. Prints one line.
run_pair() {
	local label=$1 bin=$2 t0 t1 rtt mbit
	t0=$(date +%s%N)
	ip netns exec "$NS_A" "$bin" --cd "$WORK/pki" --config "$PWD/sample-config/p2p-tls-server.conf" \
		--dev "tuna$ID" >"$WORK/$label-a.log" 2>&1 &
	PIDS+=($!); local pa=$!
	ip netns exec "$NS_B" "$bin" --cd "$WORK/pki" --config "$PWD/sample-config/p2p-tls-client.conf" \
		--dev "tunb$ID" >"$WORK/$label-b.log" 2>&1 &
	PIDS+=($!); local pb=$!
	wait_for "$WORK/$label-a.log" 'Initialization Sequence Completed' 10
	wait_for "$WORK/$label-b.log" 'Initialization Sequence Completed' 10
	until ip netns exec "$NS_A" ping -c1 -W1 10.250.0.2 >/dev/null 2>&1; do
		[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 10000 ] || { echo "$label: no traffic"; tail "$WORK/$label-a.log"; return 1; }
	done
	t1=$(date +%s%N)
	rtt=$(ip netns exec "$NS_A" ping -q -c 10 -i 0.2 10.250.0.2 | awk -F/ '/^rtt/ {print $5}')
	ip netns exec "$NS_B" iperf3 -s -1 -D -B 10.250.0.2 >/dev/null 2>&1
	sleep 0.5
	mbit=$(ip netns exec "$NS_A" iperf3 -c 10.250.0.2 -t 5 -f m 2>/dev/null | awk '/receiver/ {print $7}')
	kill "$pa" "$pb"; wait "$pa" "$pb" 2>/dev/null || true
	printf '  %-10s TLS handshake + first ping %4d ms   ping RTT %6s ms   throughput %7s Mbit/s\n' \
		"$label" $(( (t1 - t0) / 1000000 )) "${rtt:-?}" "${mbit:-?}"
	eval "MBIT_$label=${mbit:-0}"
}

echo "== demo: P2P TLS tunnel (AES-256-GCM, tls-crypt) between namespaces $NS_A and $NS_B =="
"$OURS" --version | head -n1
run_pair ours "$OURS"
[ -x "$DEB" ] && run_pair debian "$DEB"
echo
grep -m1 'Control Channel:' "$WORK/ours-b.log" | sed 's/^.*us=[0-9]* /  ours: /'
grep -m1 'Data Channel:' "$WORK/ours-b.log" | sed 's/^.*us=[0-9]* /  ours: /'
echo "  DCO (--dco-check):"
"$OURS" --config "$PWD/sample-config/p2p-tls-client.conf" --cd "$WORK/pki" --dco-check 2>&1 |
	grep -E '^  kernel module:|^result:' | sed 's/^ */       /'

echo "       (this machine's kernel cannot load modules: the tunnels above use the userspace"
echo "       data path; tests/vm runs DCO in a VM against Debian's ovpn-dco-v2 module)"
if [ -x "$DEB" ] && [ "${MBIT_debian:-0}" != 0 ]; then
	awk -v a="$MBIT_ours" -v b="$MBIT_debian" 'BEGIN { printf "  throughput ratio ours/Debian openvpn 2.6: %.2f\n", a / b }'
fi

# ---- server mode: our server, one client of ours and one Debian client ----
echo
echo "== demo: server mode (sample-config/server.conf): our server, our client and a Debian client =="
ip netns add "$NS_C"
ip link add "dvc$ID" netns "$NS_A" type veth peer name "dvd$ID" netns "$NS_C"
ip -n "$NS_A" link add "dbr$ID" type bridge
ip -n "$NS_A" link set "dbr$ID" up
ip -n "$NS_A" addr del 10.77.250.1/24 dev "dva$ID"
ip -n "$NS_A" link set "dva$ID" master "dbr$ID"
ip -n "$NS_A" link set "dvc$ID" master "dbr$ID" up
ip -n "$NS_A" addr add 10.77.250.1/24 dev "dbr$ID"
ip -n "$NS_C" addr add 10.77.250.3/24 dev "dvd$ID"
ip -n "$NS_C" link set lo up
ip -n "$NS_C" link set "dvd$ID" up
t0=$(date +%s%N)
ip netns exec "$NS_A" "$OURS" --cd "$WORK/pki" --config "$PWD/sample-config/server.conf" \
	--dev "tuns$ID" --status "$WORK/status.txt" 1 >"$WORK/server.log" 2>&1 &
PIDS+=($!)
wait_for "$WORK/server.log" 'Initialization Sequence Completed' 10
ip netns exec "$NS_B" "$OURS" --cd "$WORK/pki" --config "$PWD/sample-config/client.conf" \
	--dev "tunc$ID" >"$WORK/client-ours.log" 2>&1 &
PIDS+=($!)
if [ -x "$DEB" ]; then
	ip netns exec "$NS_C" "$DEB" --cd "$WORK/pki" --config "$PWD/sample-config/client.conf" \
	--dev "tunc$ID" >"$WORK/client-debian.log" 2>&1 &
	PIDS+=($!)
fi
for ns in "$NS_B" "$NS_C"; do
	for _ in $(seq 200); do
		ip netns exec "$ns" ping -c1 -W1 10.8.0.1 >/dev/null 2>&1 && break
		sleep 0.05
	done
done
t1=$(date +%s%N)
printf '  two clients connected and pinged the server in %d ms\n' $(( (t1 - t0) / 1000000 ))
for ns in "$NS_B" "$NS_C"; do
	printf '  %s: %s, ping RTT %s ms\n' "$( [ "$ns" = "$NS_B" ] && echo "our client   " || echo "Debian client")" \
		"$(ip -n "$ns" -o addr show dev "tunc$ID" | awk '{print $4}' | tr '\n' ' ')" \
		"$(ip netns exec "$ns" ping -q -c 5 -i 0.2 10.8.0.1 | awk -F/ '/^rtt/ {print $5}')"
done
sleep 1.2
echo "  the server's status file:"
sed 's/^/    /' "$WORK/status.txt"
echo
echo "Where the daemon stands: point-to-point TLS, client mode and server mode work and"
echo "interoperate with OpenVPN 2.6 (see README.md); DCO runs in tests/vm."
