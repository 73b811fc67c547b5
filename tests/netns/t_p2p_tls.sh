#!/bin/bash
# P2P TLS tunnels (AEAD data channel, P2P NCP) against Debian's openvpn 2.6
# in both TLS roles, over UDP and TCP, plain, --tls-auth and --tls-crypt,
# each AEAD cipher, a renegotiation, and certificate failures.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
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

# run_roles LABEL "server extra" "client extra" PATTERN: LABEL with either
# implementation as the TLS server; our side must log PATTERN
run_roles() {
	local label=$1 xs=$2 xc=$3 want=$4 roles name s c ours_log log
	for roles in "debian-ours:$DEB:$OURS:client" "ours-debian:$OURS:$DEB:server"; do
		IFS=: read -r name s c ours_log <<<"$roles"
		run_case "$label-$name" "$s" "$c" udp "$xs" "$xc"
		log=$CASE_LOG_B
		[ "$ours_log" = server ] && log=$CASE_LOG_A
		if [ "$CASE_OK" = 1 ] && grep -q "$want" "$log"; then
			pass "$label ($name, server-client): $want"
		else
			CASE_OK=0
			report "$label ($name)"
		fi
	done
}

# each AEAD cipher and legacy CBC+HMAC, chosen by the TLS server's
# --data-ciphers order
for cipher in AES-128-GCM AES-192-GCM CHACHA20-POLY1305 AES-256-CBC; do
	run_roles "cipher-$cipher" "--data-ciphers $cipher" "--data-ciphers AES-256-GCM:$cipher" \
		"cipher=$cipher"
done

# --tls-cipher in OpenVPN's spelling (IANA names with '-'), as installer
# scripts write it; TLS 1.2 so that the list decides the suite
tc=TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256
run_roles "tls-cipher" "--tls-cipher $tc --tls-version-max 1.2" "--tls-cipher $tc" \
	"TLSv1.2, cipher TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256"

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

# expired client certificate: refused by both implementations as TLS server
for srv in "ours:$OURS:$DEB" "debian:$DEB:$OURS"; do
	IFS=: read -r name s c <<<"$srv"
	run_case "expired-$name" "$s" "$c" udp "" "--cert $P/expired.crt --key $P/expired.key" down
	if [ "$CASE_OK" = 1 ] && grep -q 'VERIFY ERROR.*expired' "$CASE_LOG_A"; then
		pass "expired client certificate refused by $name server"
	else
		CASE_OK=0
		report "expired client certificate refused by $name server"
	fi
done

# wrong tls-auth / tls-crypt key on the client: our server logs it, keeps running
"$OPENVPN_BIN" --genkey secret "$P/other.key" >/dev/null 2>&1
for wrap in tls-auth tls-crypt; do
	xs="--$wrap $P/ta.key"
	xc="--$wrap $P/other.key"
	[ $wrap = tls-auth ] && { xs="$xs 0"; xc="$xc 1"; }
	start_in "$NS_A" "$WORK/wrongkey-$wrap.server.log" "$OURS" --dev "tun$UNIQ" \
		--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$P/ca.crt" \
		--cert "$P/server.crt" --key "$P/server.key" --verb 3 $xs
	pa=$LAST_PID
	start_in "$NS_B" "$WORK/wrongkey-$wrap.client.log" "$DEB" --dev "tun$UNIQ" \
		--remote "$ADDR_A" --ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$P/ca.crt" \
		--cert "$P/client.crt" --key "$P/client.key" --verb 3 $xc
	pb=$LAST_PID
	if wait_log "$WORK/wrongkey-$wrap.server.log" 'control packet authentication failed' 10 &&
		kill -0 "$pa" 2>/dev/null &&
		! grep -q 'Initialization Sequence Completed' "$WORK/wrongkey-$wrap.server.log"; then
		pass "wrong $wrap key: refused with a clear line, server still running"
	else
		fail "wrong $wrap key"
	fi
	stop_pid "$pb"
	stop_pid "$pa"
done

# 100 MB through the tunnel (ours as TLS client, Debian as server): SHA-256 matches
if command -v python3 >/dev/null; then
	head -c 100000000 /dev/urandom >"$WORK/blob"
	start_in "$NS_A" "$WORK/bulk.server.log" "$DEB" --dev "tun$UNIQ" --remote "$ADDR_B" \
		--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$P/ca.crt" \
		--cert "$P/server.crt" --key "$P/server.key" --verb 3
	pa=$LAST_PID
	start_in "$NS_B" "$WORK/bulk.client.log" "$OURS" --dev "tun$UNIQ" --remote "$ADDR_A" \
		--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$P/ca.crt" \
		--cert "$P/client.crt" --key "$P/client.key" --verb 3
	pb=$LAST_PID
	if wait_log "$WORK/bulk.client.log" 'Initialization Sequence Completed' 20; then
		ip netns exec "$NS_A" timeout 120 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); c, _ = s.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        d = c.recv(65536)
        if not d: break
        f.write(d)' "$TUN_A" "$WORK/blob.recv" &
		rpid=$!
		sleep 0.5
		t0=$(date +%s.%N)
		ip netns exec "$NS_B" timeout 120 python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 5001))
with open(sys.argv[2], "rb") as f:
    s.sendfile(f)
s.close()' "$TUN_A" "$WORK/blob"
		wait $rpid
		t1=$(date +%s.%N)
		a=$(sha256sum <"$WORK/blob" | cut -c1-64)
		b=$(sha256sum <"$WORK/blob.recv" | cut -c1-64)
		if [ "$a" = "$b" ]; then
			pass "100 MB transfer, SHA-256 matches ($(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f s", b - a}'))"
		else
			fail "100 MB transfer: SHA-256 differs ($(stat -c %s "$WORK/blob.recv") bytes received)"
		fi
	else
		fail "bulk tunnel did not come up"
	fi
	stop_pid "$pa"
	stop_pid "$pb"
	rm -f "$WORK/blob" "$WORK/blob.recv"
else
	fail "python3 is needed for the bulk transfer check"
fi

# --float: the client binds no fixed port (--nobind), so its packets come from
# another port than the server's --remote says; the server follows it
run_case "float-ours" "$OURS" "$DEB" udp "--float" "--nobind"
report "--float: our server follows a client on an ephemeral port"

# --persist-key with --user: after SIGUSR1 the root-only key is not read again
chmod 600 "$P/server.key"
start_in "$NS_A" "$WORK/pkey.server.log" "$OURS" --dev "tun$UNIQ" --remote "$ADDR_B" \
	--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$P/ca.crt" \
	--cert "$P/server.crt" --key "$P/server.key" --verb 3 --persist-key --persist-tun \
	--user nobody --group nogroup
pa=$LAST_PID
start_in "$NS_B" "$WORK/pkey.client.log" "$DEB" --dev "tun$UNIQ" --remote "$ADDR_A" \
	--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$P/ca.crt" \
	--cert "$P/client.crt" --key "$P/client.key" --verb 3
pb=$LAST_PID
if wait_log "$WORK/pkey.server.log" 'Initialization Sequence Completed' 20; then
	kill -USR1 "$pa"
	sleep 3
	if kill -0 "$pa" 2>/dev/null && ping_ok "$NS_A" "$TUN_B" 56 10; then
		pass "--persist-key --user nobody: SIGUSR1 restart keeps working"
	else
		fail "--persist-key --user nobody: restart failed"
	fi
else
	fail "persist-key tunnel did not come up"
fi
stop_pid "$pa"
stop_pid "$pb"

# ping-restart: the Debian server is killed and restarted; our client reconnects
start_deb_server() {
	start_in "$NS_A" "$WORK/restart.server$1.log" "$DEB" --dev "tun$UNIQ" \
		--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$P/ca.crt" \
		--cert "$P/server.crt" --key "$P/server.key" --verb 3 --ping 1
	pa=$LAST_PID
}
start_deb_server 1
start_in "$NS_B" "$WORK/restart.client.log" "$OURS" --dev "tun$UNIQ" --remote "$ADDR_A" \
	--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$P/ca.crt" --cert "$P/client.crt" \
	--key "$P/client.key" --verb 3 --ping 1 --ping-restart 4 --persist-tun
pb=$LAST_PID
if wait_log "$WORK/restart.client.log" 'Initialization Sequence Completed' 20; then
	kill -KILL "$pa"
	wait_gone "$pa" 5
	start_deb_server 2
	if wait_log "$WORK/restart.client.log" 'Inactivity timeout \(--ping-restart\)' 15 &&
		wait_log "$WORK/restart.server2.log" 'Initialization Sequence Completed' 30 &&
		ping_ok "$NS_B" "$TUN_A" 56 5; then
		pass "peer killed and restarted: reconnected via ping-restart"
	else
		fail "no reconnect after the peer restarted"
	fi
else
	fail "restart tunnel did not come up"
fi
stop_pid "$pa"
stop_pid "$pb"
finish
