#!/bin/bash
# --tls-crypt-v2 against Debian's openvpn 2.6: our server with a Debian
# client, a Debian server with our client, ours with ours; keys made by
# Debian's --genkey and by ours crossed over; a client key wrapped with
# another server key and a --tls-crypt-v2-verify that says no are refused.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
require_debian_samples
netns_pair || { fail "namespace setup"; finish; }

# ---- keys -----------------------------------------------------------------------
# deb-*: made by Debian's openvpn, ours-*: made by our daemon
gen() { "$@" >>"$WORK/genkey.log" 2>&1 || fail "genkey: $*"; }
gen "$DEBIAN_OPENVPN" --genkey tls-crypt-v2-server "$WORK/deb-server.key"
gen "$DEBIAN_OPENVPN" --tls-crypt-v2 "$WORK/deb-server.key" \
	--genkey tls-crypt-v2-client "$WORK/deb-client.key" "$(printf 'user=alice' | base64)"
gen "$OPENVPN_BIN" --genkey tls-crypt-v2-server "$WORK/ours-server.key"
gen "$OPENVPN_BIN" --tls-crypt-v2 "$WORK/ours-server.key" \
	--genkey tls-crypt-v2-client "$WORK/ours-client.key"
# wrapped with another server key: must be refused by a server holding deb-server.key
gen "$OPENVPN_BIN" --genkey tls-crypt-v2-server "$WORK/other-server.key"
gen "$OPENVPN_BIN" --tls-crypt-v2 "$WORK/other-server.key" \
	--genkey tls-crypt-v2-client "$WORK/other-client.key"
if grep -q 'BEGIN OpenVPN tls-crypt-v2 server key' "$WORK/ours-server.key" &&
	grep -q 'BEGIN OpenVPN tls-crypt-v2 client key' "$WORK/ours-client.key"; then
	pass "genkey: our server and client keys have the PEM labels"
else
	fail "genkey: our key files lack the PEM labels"
fi

# server_conf NAME KEY [extra lines...]
server_conf() {
	local name=$1 key=$2 line
	shift 2
	sed -e "s|^ifconfig-pool-persist .*|ifconfig-pool-persist $WORK/ipp-$name.txt|" \
		-e "s|^status .*|status $WORK/status-$name.log 1|" \
		"$EX/sample-config-files/server.conf" >"$WORK/server-$name.conf"
	echo >>"$WORK/server-$name.conf"
	echo "tls-crypt-v2 $key" >>"$WORK/server-$name.conf"
	for line in "$@"; do
		echo "$line" >>"$WORK/server-$name.conf"
	done
}

# client_conf NAME KEY [extra lines...]
client_conf() {
	local name=$1 key=$2 line
	shift 2
	sed -e "s|^remote my-server-1 1194|remote $ADDR_A 1194|" \
		"$EX/sample-config-files/client.conf" >"$WORK/client-$name.conf"
	echo >>"$WORK/client-$name.conf"
	echo "tls-crypt-v2 $key" >>"$WORK/client-$name.conf"
	for line in "$@"; do
		echo "$line" >>"$WORK/client-$name.conf"
	done
}

# run_pair CASE SERVER_BIN CLIENT_BIN: start both, sets PID_S PID_C
run_pair() {
	start_in "$NS_A" "$WORK/server-$1.log" "$2" --cd "$KEYS" --config "$WORK/server-$1.conf"
	PID_S=$LAST_PID
	wait_log "$WORK/server-$1.log" 'Initialization Sequence Completed' 15 || return 1
	start_in "$NS_B" "$WORK/client-$1.log" "$3" --cd "$KEYS" --config "$WORK/client-$1.conf"
	PID_C=$LAST_PID
}

# expect_up CASE WHAT: the tunnel comes up and carries pings both ways
expect_up() {
	if wait_log "$WORK/client-$1.log" 'Initialization Sequence Completed' 30 &&
		ping_ok "$NS_B" 10.8.0.1 && ping_ok "$NS_B" 10.8.0.1 1300 &&
		ping_ok "$NS_A" 10.8.0.2; then
		pass "$1: $2: tunnel up, ping both ways"
	else
		fail "$1: $2: no working tunnel"
	fi
}

# expect_refused CASE WHAT REGEX: the server logs REGEX, the client never gets up
expect_refused() {
	if wait_log "$WORK/server-$1.log" "$3" 20 &&
		! grep -q 'Initialization Sequence Completed' "$WORK/client-$1.log" &&
		! grep -q 'Peer Connection Initiated' "$WORK/server-$1.log"; then
		pass "$1: $2"
	else
		fail "$1: $2"
	fi
}

stop_pair() {
	stop_pid "$PID_C"
	stop_pid "$PID_S"
}

# (1) our server + Debian client, Debian's keys; the verify script sees the metadata
cat >"$WORK/verify-ok.sh" <<EOF
#!/bin/sh
echo "type=\$metadata_type script=\$script_type data=\$(cat "\$metadata_file") common=\${common_name:-none}" >>"$WORK/verify.out"
exit 0
EOF
chmod +x "$WORK/verify-ok.sh"
server_conf ours-deb "$WORK/deb-server.key" "script-security 2" \
	"tls-crypt-v2-verify $WORK/verify-ok.sh"
client_conf ours-deb "$WORK/deb-client.key"
if run_pair ours-deb "$OPENVPN_BIN" "$DEBIAN_OPENVPN"; then
	expect_up ours-deb "our server, Debian client, keys by Debian"
	if grep -q '^type=0 script=tls-crypt-v2-verify data=user=alice common=none$' \
		"$WORK/verify.out" 2>/dev/null; then
		pass "ours-deb: --tls-crypt-v2-verify got metadata_type, metadata_file, script_type only"
	else
		fail "ours-deb: verify script saw: $(cat "$WORK/verify.out" 2>/dev/null)"
	fi
else
	fail "ours-deb: our server did not start"
fi
stop_pair

# (2) Debian server + our client, keys made by ours
server_conf deb-ours "$WORK/ours-server.key"
client_conf deb-ours "$WORK/ours-client.key"
if run_pair deb-ours "$DEBIAN_OPENVPN" "$OPENVPN_BIN"; then
	expect_up deb-ours "Debian server, our client, keys by ours"
else
	fail "deb-ours: Debian server did not start with our server key"
fi
stop_pair

# (3) ours + ours with Debian's keys, and our server with a Debian client
# holding our keys
server_conf ours-ours "$WORK/deb-server.key"
client_conf ours-ours "$WORK/deb-client.key"
if run_pair ours-ours "$OPENVPN_BIN" "$OPENVPN_BIN"; then
	expect_up ours-ours "our server, our client, keys by Debian"
else
	fail "ours-ours: our server did not start"
fi
stop_pair
# (force-cookie: a 2.6 client does the cookie handshake, so it still gets in)
server_conf ours-debk "$WORK/ours-server.key" "tls-crypt-v2 $WORK/ours-server.key force-cookie"
client_conf ours-debk "$WORK/ours-client.key"
if run_pair ours-debk "$OPENVPN_BIN" "$DEBIAN_OPENVPN"; then
	expect_up ours-debk "our server with force-cookie, Debian client, keys by ours"
else
	fail "ours-debk: our server did not start"
fi
stop_pair

# TCP both ways: no cookie handshake, the session starts at the V3 reset
server_conf ours-tcp "$WORK/deb-server.key" "proto tcp-server"
client_conf ours-tcp "$WORK/deb-client.key" "proto tcp-client"
if run_pair ours-tcp "$OPENVPN_BIN" "$DEBIAN_OPENVPN"; then
	expect_up ours-tcp "our TCP server, Debian client"
else
	fail "ours-tcp: our server did not start"
fi
stop_pair
server_conf deb-tcp "$WORK/ours-server.key" "proto tcp-server"
client_conf deb-tcp "$WORK/ours-client.key" "proto tcp-client"
if run_pair deb-tcp "$DEBIAN_OPENVPN" "$OPENVPN_BIN"; then
	expect_up deb-tcp "Debian TCP server, our client"
else
	fail "deb-tcp: Debian server did not start"
fi
stop_pair

# P2P: our tls-server (which knows its peer, but has no key to send with
# until the client's reset) and a Debian tls-client; renegotiations every
# 4 s keep using the client key
TUN_A=10.207.$OCTET.1
TUN_B=10.207.$OCTET.2
start_in "$NS_A" "$WORK/server-p2p.log" "$OPENVPN_BIN" --dev "tun$UNIQ" --remote "$ADDR_B" \
	--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$KEYS/ca.crt" \
	--cert "$KEYS/server.crt" --key "$KEYS/server.key" --verb 3 --reneg-sec 4 \
	--tls-crypt-v2 "$WORK/deb-server.key"
PID_S=$LAST_PID
start_in "$NS_B" "$WORK/client-p2p.log" "$DEBIAN_OPENVPN" --dev "tun$UNIQ" --remote "$ADDR_A" \
	--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$KEYS/ca.crt" \
	--cert "$KEYS/client.crt" --key "$KEYS/client.key" --verb 3 \
	--tls-crypt-v2 "$WORK/deb-client.key"
PID_C=$LAST_PID
if wait_log "$WORK/client-p2p.log" 'Initialization Sequence Completed' 30 && sleep 9 &&
	ping_ok "$NS_B" "$TUN_A" && ping_ok "$NS_A" "$TUN_B" &&
	[ "$(grep -c 'Control Channel:' "$WORK/client-p2p.log")" -ge 3 ] &&
	! grep -q 'cannot build a control packet' "$WORK/server-p2p.log"; then
	pass "p2p: our tls-server, Debian tls-client, renegotiated with the client key"
else
	fail "p2p: our tls-server with a Debian tls-client"
fi
stop_pair

# (4) a client key wrapped with another server key
server_conf forged "$WORK/deb-server.key"
client_conf forged "$WORK/other-client.key"
if run_pair forged "$OPENVPN_BIN" "$DEBIAN_OPENVPN"; then
	expect_refused forged "client key from another server key refused" \
		'tls-crypt-v2: .*forged tls-crypt-v2 client key from'
else
	fail "forged: our server did not start"
fi
stop_pair
if grep -Eq 'tls-crypt-v2: bad client keys [1-9][0-9]*, refused by verify 0' \
	"$WORK/server-forged.log"; then
	pass "forged: the server counted the bad client keys"
else
	fail "forged: no bad client key count in the server's statistics"
fi

# (5) --tls-crypt-v2-verify exits 1
printf '#!/bin/sh\nexit 1\n' >"$WORK/verify-no.sh"
chmod +x "$WORK/verify-no.sh"
server_conf verify-no "$WORK/deb-server.key" "script-security 2" \
	"tls-crypt-v2-verify $WORK/verify-no.sh"
client_conf verify-no "$WORK/deb-client.key"
if run_pair verify-no "$OPENVPN_BIN" "$DEBIAN_OPENVPN"; then
	expect_refused verify-no "client refused by --tls-crypt-v2-verify exit 1" \
		'tls-crypt-v2-verify refused the client key'
else
	fail "verify-no: our server did not start"
fi
stop_pair
if grep -Eq 'tls-crypt-v2: bad client keys 0, refused by verify [1-9]' \
	"$WORK/server-verify-no.log"; then
	pass "verify-no: the server counted the refusals"
else
	fail "verify-no: no refusal count in the server's statistics"
fi

finish
