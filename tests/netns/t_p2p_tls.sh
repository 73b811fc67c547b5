#!/bin/bash
# P2P TLS tunnels (AEAD data channel, P2P NCP) against Debian's openvpn 2.6
# in both TLS roles, over UDP and TCP, plain, --tls-auth and --tls-crypt,
# each AEAD cipher, a renegotiation, and certificate failures.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
[ -x "$OPENVPN_BIN" ] || { echo "FAIL: daemon not built at $OPENVPN_BIN"; exit 1; }
command -v openssl >/dev/null || skip "openssl command missing (apt-get install openssl)"
netns_pair || { fail "namespace setup"; finish; }
"$(dirname "$0")/pki.sh" "$WORK/pki" || { fail "PKI generation"; finish; }
P=$WORK/pki
# our --genkey writes the key both implementations load below
"$OPENVPN_BIN" --genkey secret "$P/ta.key" >/dev/null 2>&1 || { fail "genkey"; finish; }

TUN_A=10.206.$OCTET.1
TUN_B=10.206.$OCTET.2
OURS=$OPENVPN_BIN
DEB=$DEBIAN_OPENVPN

# run_case LABEL BIN_SERVER BIN_CLIENT PROTO "server extra" "client extra" [expect]
# The TLS server runs in A, the TLS client in B. expect: up (default) or down.
run_case() {
	local label=$1 bs=$2 bc=$3 proto=$4 xs=$5 xc=$6 expect=${7:-up}
	local log_a="$WORK/$label.server.log" log_b="$WORK/$label.client.log"
	local pa pb ok=1 ps=udp pc=udp ra=(--remote "$ADDR_B")
	if [ "$proto" = tcp ]; then ps=tcp-server; pc=tcp-client; ra=(); fi

	# shellcheck disable=SC2086
	start_in "$NS_A" "$log_a" "$bs" --dev "tun$UNIQ" --proto "$ps" "${ra[@]}" \
		--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$P/ca.crt" \
		--cert "$P/server.crt" --key "$P/server.key" --verb 3 $xs
	pa=$LAST_PID
	sleep 0.3
	# shellcheck disable=SC2086
	start_in "$NS_B" "$log_b" "$bc" --dev "tun$UNIQ" --proto "$pc" --remote "$ADDR_A" \
		--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$P/ca.crt" \
		--cert "$P/client.crt" --key "$P/client.key" --verb 3 $xc
	pb=$LAST_PID
	if [ "$expect" = down ]; then
		sleep 4
		if ping_ok "$NS_A" "$TUN_B" 56 1; then
			echo "  tunnel came up although it must not"
			ok=0
		fi
	else
		wait_log "$log_a" 'Initialization Sequence Completed' 20 || ok=0
		wait_log "$log_b" 'Initialization Sequence Completed' 20 || ok=0
		if [ $ok = 1 ]; then
			ping_ok "$NS_A" "$TUN_B" 56 || { echo "  ping server->client failed"; ok=0; }
			ping_ok "$NS_B" "$TUN_A" 1400 || { echo "  1400-byte ping client->server failed"; ok=0; }
		fi
	fi
	CASE_LOG_A=$log_a
	CASE_LOG_B=$log_b
	stop_pid "$pa" || ok=0
	stop_pid "$pb" || ok=0
	CASE_OK=$ok
}

report() { # label
	if [ "$CASE_OK" = 1 ]; then pass "$1"; else fail "$1 (logs: $CASE_LOG_A $CASE_LOG_B)"; fi
}

for pair in "ours-ours:$OURS:$OURS" "ours-debian:$OURS:$DEB" "debian-ours:$DEB:$OURS"; do
	IFS=: read -r name s c <<<"$pair"
	for proto in udp tcp; do
		run_case "$name-$proto" "$s" "$c" "$proto" "" ""
		report "$name-$proto (server-client)"
	done
	run_case "$name-tls-auth" "$s" "$c" udp "--tls-auth $P/ta.key 0" "--tls-auth $P/ta.key 1"
	report "$name-tls-auth"
	run_case "$name-tls-crypt" "$s" "$c" udp "--tls-crypt $P/ta.key" "--tls-crypt $P/ta.key"
	report "$name-tls-crypt"
done

# each AEAD cipher and legacy CBC+HMAC, chosen by the TLS server's --data-ciphers order
for cipher in AES-128-GCM AES-192-GCM CHACHA20-POLY1305 AES-256-CBC; do
	run_case "cipher-$cipher" "$DEB" "$OURS" udp "--data-ciphers $cipher" \
		"--data-ciphers AES-256-GCM:$cipher"
	if [ "$CASE_OK" = 1 ] && grep -q "cipher=$cipher" "$CASE_LOG_B"; then
		pass "negotiated $cipher with Debian as TLS server"
	else
		CASE_OK=0
		report "negotiated $cipher"
	fi
done

# renegotiation every 3 s (ours) or 5 s (Debian); traffic keeps flowing
start_in "$NS_A" "$WORK/reneg2.server.log" "$OURS" --dev "tun$UNIQ" --remote "$ADDR_B" \
	--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$P/ca.crt" \
	--cert "$P/server.crt" --key "$P/server.key" --verb 3 --reneg-sec 3
pa=$LAST_PID
start_in "$NS_B" "$WORK/reneg2.client.log" "$DEB" --dev "tun$UNIQ" --remote "$ADDR_A" \
	--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$P/ca.crt" \
	--cert "$P/client.crt" --key "$P/client.key" --verb 3 --reneg-sec 5
pb=$LAST_PID
if wait_log "$WORK/reneg2.client.log" 'Initialization Sequence Completed' 20; then
	lost=$(ip netns exec "$NS_A" ping -q -c 40 -i 0.25 -W 1 "$TUN_B" | awk '/packet loss/ {print $6}')
	# Debian logs one "Control Channel:" line per completed TLS session
	keys=$(grep -c 'Control Channel:' "$WORK/reneg2.client.log")
	if [ "$keys" -ge 3 ] && [ "$lost" = "0%" ]; then
		pass "renegotiation: $keys keys in 10 s on the Debian side, $lost ping loss"
	else
		fail "renegotiation: $keys keys, ping loss $lost"
	fi
else
	fail "renegotiation tunnel did not come up"
fi
stop_pid "$pa"
stop_pid "$pb"

# a client certificate from another CA is refused by both implementations
"$(dirname "$0")/pki.sh" "$WORK/pki2" >/dev/null
for srv in "ours:$OURS" "debian:$DEB"; do
	IFS=: read -r name s <<<"$srv"
	run_case "badca-$name" "$s" "$([ "$name" = ours ] && echo "$DEB" || echo "$OURS")" udp "" \
		"--cert $WORK/pki2/client.crt --key $WORK/pki2/client.key" down
	if [ "$CASE_OK" = 1 ] && grep -q 'VERIFY ERROR' "$CASE_LOG_A"; then
		pass "foreign client certificate refused by $name server (VERIFY ERROR logged)"
	else
		CASE_OK=0
		report "foreign client certificate refused by $name server"
	fi
done
finish
