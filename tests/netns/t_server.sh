#!/bin/bash
# Server mode: our daemon runs Debian's sample server.conf (changed only in
# addresses, file paths and the lines a case adds) with Debian openvpn 2.6
# clients and ours, each client in its own namespace.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
require_debian_samples
netns_star 3 || { fail "namespace setup"; finish; }
C0=${STAR_NS[0]} C1=${STAR_NS[1]} C2=${STAR_NS[2]}
IROUTE_NET=10.99.$OCTET

# More client certificates from the sample CA, so that clients have their
# own names without --duplicate-cn. (The sample's client-ec.crt is refused by
# Debian's own server too: its client does not present it.)
for n in 3 4; do
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=Test-Client-$n" \
		-keyout "$WORK/client$n.key" -out "$WORK/client$n.csr" 2>/dev/null &&
	openssl x509 -req -in "$WORK/client$n.csr" -CA "$KEYS/ca.crt" -CAkey "$KEYS/ca.key" \
		-CAcreateserial -CAserial "$WORK/ca.srl" -days 2 -out "$WORK/client$n.crt" 2>/dev/null ||
		{ fail "cannot sign a client certificate with the sample CA"; finish; }
done

start_server() {
	start_in "$NS_A" "$WORK/server-$1.log" "$OPENVPN_BIN" --cd "$KEYS" --config "$WORK/server-$1.conf"
	PID_S=$LAST_PID
	wait_log "$WORK/server-$1.log" 'Initialization Sequence Completed' 15
}

# start_client NS NAME BINARY: sets LAST_PID
start_client() {
	start_in "$1" "$WORK/$2.log" "$3" --cd "$KEYS" --config "$WORK/client-$2.conf"
}

# tun_addr NS: the client's IPv4 VPN address
tun_addr() {
	ip -n "$1" -o -4 addr show | awk '/ tun/ {sub("/.*", "", $4); print $4; exit}'
}

stop_all() {
	local pid
	for pid in "$@"; do
		stop_pid "$pid"
	done
}

# ---- UDP, IPv4 and IPv6 in the tunnel, two Debian clients and ours ---------
case_udp() {
	local a0 a1 a2 rows
	sample_server_conf udp "server-ipv6 fd00:8:$OCTET::/64"
	sample_client_conf deb0 client.crt client.key
	sample_client_conf deb1 "$WORK/client4.crt" "$WORK/client4.key"
	sample_client_conf ours2 "$WORK/client3.crt" "$WORK/client3.key"
	start_server udp || { fail "udp: our server did not start"; return; }
	start_client "$C0" deb0 "$DEBIAN_OPENVPN"; local p0=$LAST_PID
	start_client "$C1" deb1 "$DEBIAN_OPENVPN"; local p1=$LAST_PID
	start_client "$C2" ours2 "$OPENVPN_BIN"; local p2=$LAST_PID
	if wait_log "$WORK/deb0.log" 'Initialization Sequence Completed' 30 &&
		wait_log "$WORK/deb1.log" 'Initialization Sequence Completed' 30 &&
		wait_log "$WORK/ours2.log" 'Initialization Sequence Completed' 30; then
		pass "udp: two Debian clients and ours connected to our server"
	else
		fail "udp: not every client connected"
	fi
	a0=$(tun_addr "$C0") a1=$(tun_addr "$C1") a2=$(tun_addr "$C2")
	if [ -n "$a0" ] && [ -n "$a1" ] && [ -n "$a2" ] && [ "$a0" != "$a1" ] && [ "$a1" != "$a2" ]; then
		pass "udp: pool addresses $a0, $a1, $a2"
	else
		fail "udp: pool addresses '$a0' '$a1' '$a2'"
	fi
	if ping_ok "$C0" 10.8.0.1 && ping_ok "$C1" 10.8.0.1 1400 && ping_ok "$C2" 10.8.0.1 &&
		ping_ok "$NS_A" "$a0" && ping_ok "$NS_A" "$a1" && ping_ok "$NS_A" "$a2" 1400; then
		pass "udp: IPv4 ping both ways with each client (56 and 1400 bytes)"
	else
		fail "udp: IPv4 ping across the tunnels"
	fi
	if ping_ok "$C0" "fd00:8:$OCTET::1" && ping_ok "$C1" "fd00:8:$OCTET::1" &&
		ping_ok "$C2" "fd00:8:$OCTET::1" 1200; then
		pass "udp: IPv6 ping inside the tunnel from every client"
	else
		fail "udp: IPv6 ping inside the tunnel"
	fi
	# without --client-to-client, client traffic goes through the server's
	# kernel, which does not forward here
	if ping_ok "$C0" "$a1" 56 2; then
		fail "udp: client-to-client traffic passed without --client-to-client"
	else
		pass "udp: no client-to-client without --client-to-client"
	fi
	sleep 1.5
	rows=$(grep -c '^Test-Client' "$WORK/status-udp.log")
	if [ "$rows" = 3 ] && grep -q "^$a2,Test-Client-3," "$WORK/status-udp.log"; then
		pass "udp: status file lists 3 clients with their virtual addresses"
	else
		fail "udp: status file has $rows client rows"
		cat "$WORK/status-udp.log"
	fi
	stop_all "$p0" "$p1" "$p2" "$PID_S"
	if grep -q '^Test-Client-4,' "$WORK/ipp-udp.txt" 2>/dev/null; then
		pass "udp: ifconfig-pool-persist file written: $(tr '\n' ' ' <"$WORK/ipp-udp.txt")"
	else
		fail "udp: no ifconfig-pool-persist file"
	fi
}

# ---- client-config-dir, iroute, client-to-client, source checks -------------
case_ccd() {
	local a0 a2 dropped
	mkdir -p "$WORK/ccd"
	echo "iroute $IROUTE_NET.0 255.255.255.0" >"$WORK/ccd/Test-Client"
	echo "disable" >"$WORK/ccd/Test-Client-4"
	sample_server_conf ccd "client-config-dir $WORK/ccd" "client-to-client" \
		"route $IROUTE_NET.0 255.255.255.0" "push \"route $IROUTE_NET.0 255.255.255.0\""
	sample_client_conf deb0 client.crt client.key
	sample_client_conf deb1 "$WORK/client4.crt" "$WORK/client4.key"
	sample_client_conf ours2 "$WORK/client3.crt" "$WORK/client3.key"
	# the network behind the client (lo: no dummy module needed)
	ip -n "$C0" addr add "$IROUTE_NET.1/24" dev lo
	start_server ccd || { fail "ccd: our server did not start"; return; }
	start_client "$C0" deb0 "$DEBIAN_OPENVPN"; local p0=$LAST_PID
	start_client "$C1" deb1 "$DEBIAN_OPENVPN"; local p1=$LAST_PID
	start_client "$C2" ours2 "$OPENVPN_BIN"; local p2=$LAST_PID
	wait_log "$WORK/deb0.log" 'Initialization Sequence Completed' 30 &&
		wait_log "$WORK/ours2.log" 'Initialization Sequence Completed' 30 ||
		fail "ccd: clients did not connect"
	if wait_log "$WORK/deb1.log" 'AUTH_FAILED' 20; then
		pass "ccd: client whose ccd file says 'disable' got AUTH_FAILED"
	else
		fail "ccd: disabled client was not refused"
	fi
	a0=$(tun_addr "$C0") a2=$(tun_addr "$C2")
	if ping_ok "$NS_A" "$IROUTE_NET.1"; then
		pass "ccd: iroute $IROUTE_NET.0/24 behind Test-Client reachable from the server"
	else
		fail "ccd: iroute network not reachable"
	fi
	if ping_ok "$C2" "$a0" && ping_ok "$C2" "$IROUTE_NET.1"; then
		pass "ccd: --client-to-client: ours -> Debian client and its iroute"
	else
		fail "ccd: client-to-client"
	fi
	# a client may not send from an address that is not its own
	ip -n "$C0" addr add 10.8.0.200/32 dev "$(ip -n "$C0" -o link | awk -F': ' '/tun/ {print $2; exit}')"
	ip netns exec "$C0" ping -q -c 3 -i 0.2 -W 1 -I 10.8.0.200 10.8.0.1 >/dev/null 2>&1
	kill -USR2 "$PID_S"
	sleep 0.5
	dropped=$(grep -o 'spoofed source [0-9]*' "$WORK/server-ccd.log" | tail -1 | awk '{print $3}')
	if [ "${dropped:-0}" -ge 3 ]; then
		pass "ccd: $dropped packets with a forged source address dropped and counted"
	else
		fail "ccd: forged source packets not counted (${dropped:-none})"
	fi
	stop_all "$p0" "$p1" "$p2" "$PID_S"
}

# ---- TCP ------------------------------------------------------------------------
case_tcp() {
	sample_server_conf tcp
	sed -i -e 's/^proto udp/proto tcp/' -e 's/^explicit-exit-notify 1/;&/' "$WORK/server-tcp.conf"
	sample_client_conf deb0 client.crt client.key
	sample_client_conf ours2 "$WORK/client3.crt" "$WORK/client3.key"
	sed -i 's/^proto udp/proto tcp/' "$WORK/client-deb0.conf" "$WORK/client-ours2.conf"
	start_server tcp || { fail "tcp: our server did not start"; return; }
	start_client "$C0" deb0 "$DEBIAN_OPENVPN"; local p0=$LAST_PID
	start_client "$C2" ours2 "$OPENVPN_BIN"; local p2=$LAST_PID
	if wait_log "$WORK/deb0.log" 'Initialization Sequence Completed' 30 &&
		wait_log "$WORK/ours2.log" 'Initialization Sequence Completed' 30 &&
		ping_ok "$C0" 10.8.0.1 1400 && ping_ok "$C2" 10.8.0.1 &&
		ping_ok "$NS_A" "$(tun_addr "$C0")"; then
		pass "tcp: Debian client and ours connected over TCP, ping both ways"
	else
		fail "tcp: TCP server"
	fi
	stop_all "$p0" "$p2" "$PID_S"
}

# ---- scripts: auth-user-pass-verify, client-connect/-disconnect, learn-address
case_scripts() {
	local p0 p1 p2 a0
	cat >"$WORK/auth.sh" <<'EOS'
#!/bin/sh
# via-file: username and password on two lines of the file in $1
{ read -r user; read -r pass; } <"$1"
[ "$pass" = "secret-$user" ] && [ "$user" = "$common_name" ]
EOS
	cat >"$WORK/cc.sh" <<'EOS'
#!/bin/sh
case "$common_name" in
Test-Client-4) exit 1 ;;
Test-Client) echo "ifconfig-push 10.8.0.100 255.255.255.0" >"$1" ;;
esac
exit 0
EOS
	printf '#!/bin/sh\necho "$1 $2 $3" >>"%s/learn.log"\n' "$WORK" >"$WORK/la.sh"
	# --up and --route-up in server mode, in 2.6's order (routes after --up)
	printf '#!/bin/sh\necho "up $1" >>"%s/order.log"\n' "$WORK" >"$WORK/up.sh"
	printf '#!/bin/sh\necho "route-up $dev" >>"%s/order.log"\n' "$WORK" >"$WORK/rup.sh"
	printf '#!/bin/sh\necho "$common_name $bytes_received $bytes_sent $ifconfig_pool_remote_ip" >>"%s/disc.log"\n' \
		"$WORK" >"$WORK/cd.sh"
	chmod +x "$WORK"/*.sh
	printf 'Test-Client\nsecret-Test-Client\n' >"$WORK/up0.txt"
	printf 'Test-Client-4\nsecret-Test-Client-4\n' >"$WORK/up1.txt"
	printf 'Test-Client-3\nwrong\n' >"$WORK/up2-bad.txt"
	printf 'Test-Client-3\nsecret-Test-Client-3\n' >"$WORK/up2.txt"
	sample_server_conf scripts "script-security 2" "auth-user-pass-verify $WORK/auth.sh via-file" \
		"client-connect $WORK/cc.sh" "client-disconnect $WORK/cd.sh" "learn-address $WORK/la.sh" \
		"up $WORK/up.sh" "route-up $WORK/rup.sh"
	sample_client_conf deb0 client.crt client.key "auth-user-pass $WORK/up0.txt" "explicit-exit-notify 1"
	sample_client_conf deb1 "$WORK/client4.crt" "$WORK/client4.key" "auth-user-pass $WORK/up1.txt"
	sample_client_conf ours2bad "$WORK/client3.crt" "$WORK/client3.key" "auth-user-pass $WORK/up2-bad.txt"
	sample_client_conf ours2 "$WORK/client3.crt" "$WORK/client3.key" "auth-user-pass $WORK/up2.txt" \
		"explicit-exit-notify 1"
	start_server scripts || { fail "scripts: our server did not start"; return; }
	if [ "$(cut -d' ' -f1 "$WORK/order.log" 2>/dev/null | tr '\n' ,)" = "up,route-up," ]; then
		pass "scripts: server ran --up, then --route-up ($(tr '\n' ';' <"$WORK/order.log"))"
	else
		fail "scripts: server --up/--route-up: $(cat "$WORK/order.log" 2>/dev/null)"
	fi
	start_client "$C0" deb0 "$DEBIAN_OPENVPN"; p0=$LAST_PID
	start_client "$C1" deb1 "$DEBIAN_OPENVPN"; p1=$LAST_PID
	start_client "$C2" ours2bad "$OPENVPN_BIN"; p2=$LAST_PID
	if wait_log "$WORK/deb0.log" 'Initialization Sequence Completed' 30 &&
		[ "$(tun_addr "$C0")" = 10.8.0.100 ] && ping_ok "$C0" 10.8.0.1; then
		pass "scripts: right password accepted; client-connect's ifconfig-push 10.8.0.100 applied"
	else
		fail "scripts: Debian client with the right password (address $(tun_addr "$C0"))"
	fi
	if wait_log "$WORK/ours2bad.log" 'AUTH_FAILED' 20 && wait_gone "$p2" 10; then
		pass "scripts: wrong password: our client got AUTH_FAILED and exited"
	else
		fail "scripts: wrong password not refused"
	fi
	if wait_log "$WORK/deb1.log" 'AUTH_FAILED' 20; then
		pass "scripts: client-connect exit 1 refused the client with AUTH_FAILED"
	else
		fail "scripts: failing client-connect did not refuse"
	fi
	start_client "$C2" ours2 "$OPENVPN_BIN"; p2=$LAST_PID
	if wait_log "$WORK/ours2.log" 'Initialization Sequence Completed' 30 && ping_ok "$C2" 10.8.0.1; then
		pass "scripts: our client's --auth-user-pass accepted by auth-user-pass-verify"
	else
		fail "scripts: our client with the right password"
	fi
	stop_all "$p2" "$p0"
	sleep 0.5
	if grep -q '^add 10.8.0.100 Test-Client$' "$WORK/learn.log" &&
		grep -q '^delete 10.8.0.100' "$WORK/learn.log"; then
		pass "scripts: learn-address add/delete: $(tr '\n' ';' <"$WORK/learn.log")"
	else
		fail "scripts: learn-address calls: $(cat "$WORK/learn.log" 2>/dev/null)"
	fi
	if awk '$1 == "Test-Client" && $2 > 0 && $3 > 0 && $4 == "10.8.0.100" {ok=1} END {exit !ok}' \
		"$WORK/disc.log" 2>/dev/null; then
		pass "scripts: client-disconnect saw bytes and address: $(grep '^Test-Client ' "$WORK/disc.log")"
	else
		fail "scripts: client-disconnect env: $(cat "$WORK/disc.log" 2>/dev/null)"
	fi
	stop_all "$p1" "$PID_S"
}

# ---- --verify-client-cert none + --username-as-common-name: password only ---
case_nocert() {
	local p0 p2
	cat >"$WORK/auth-env.sh" <<'EOS'
#!/bin/sh
# via-file; no certificate, so the username is all there is
{ read -r user; read -r pass; } <"$1"
[ "$pass" = "pw-$user" ] && [ "$username" = "$user" ]
EOS
	chmod +x "$WORK/auth-env.sh"
	mkdir -p "$WORK/ccd-nocert"
	echo "ifconfig-push 10.8.0.77 255.255.255.0" >"$WORK/ccd-nocert/alice"
	# more iroutes than --max-routes-per-client allows: the rest are not
	# learned, the client is not refused (as 2.6)
	for i in $(seq 1 70); do echo "iroute 10.200.$i.0 255.255.255.0"; done \
		>>"$WORK/ccd-nocert/alice"
	printf 'alice\npw-alice\n' >"$WORK/up-alice.txt"
	printf 'bob\npw-bob\n' >"$WORK/up-bob.txt"
	printf 'bob\nguess\n' >"$WORK/up-bob-bad.txt"
	sample_server_conf nocert "verify-client-cert none" "username-as-common-name" \
		"script-security 2" "auth-user-pass-verify $WORK/auth-env.sh via-file" \
		"client-config-dir $WORK/ccd-nocert" "max-routes-per-client 40"
	# clients without a certificate of their own: no cert/key lines at all
	sample_client_conf deb0 x x "auth-user-pass $WORK/up-alice.txt"
	sample_client_conf ours2 x x "auth-user-pass $WORK/up-bob.txt"
	sample_client_conf ours2bad x x "auth-user-pass $WORK/up-bob-bad.txt"
	sed -i -e '/^cert /d' -e '/^key /d' "$WORK/client-deb0.conf" "$WORK/client-ours2.conf" \
		"$WORK/client-ours2bad.conf"
	start_server nocert || { fail "nocert: our server did not start"; return; }
	start_client "$C0" deb0 "$DEBIAN_OPENVPN"; p0=$LAST_PID
	start_client "$C2" ours2bad "$OPENVPN_BIN"; p2=$LAST_PID
	if wait_log "$WORK/deb0.log" 'Initialization Sequence Completed' 30 &&
		[ "$(tun_addr "$C0")" = 10.8.0.77 ] && ping_ok "$C0" 10.8.0.1; then
		pass "nocert: Debian client without a certificate in, as 'alice' (her ccd file: 10.8.0.77)"
	else
		fail "nocert: Debian client without a certificate (address $(tun_addr "$C0"))"
	fi
	if wait_log "$WORK/ours2bad.log" 'AUTH_FAILED' 20 && wait_gone "$p2" 10; then
		pass "nocert: wrong password without a certificate refused"
	else
		fail "nocert: wrong password without a certificate not refused"
	fi
	learned=$(grep -c "MULTI: Learn: .* -> alice/" "$WORK/server-nocert.log" || true)
	if [ "$learned" = 40 ] &&
		grep -q "alice/.*--max-routes-per-client 40 reached: iroute 10.200.40.0 not learned" \
			"$WORK/server-nocert.log"; then
		pass "nocert: --max-routes-per-client 40: 40 of alice's 71 routes learned, the rest named"
	else
		fail "nocert: --max-routes-per-client 40: $learned routes learned for alice"
	fi
	start_client "$C2" ours2 "$OPENVPN_BIN"; p2=$LAST_PID
	if wait_log "$WORK/ours2.log" 'Initialization Sequence Completed' 30 && ping_ok "$C2" 10.8.0.1 &&
		wait_log "$WORK/status-nocert.log" '^bob,' 5 && grep -q '^alice,' "$WORK/status-nocert.log"; then
		pass "nocert: our client without a certificate in; status lists alice and bob"
	else
		fail "nocert: our client without a certificate, or the status file: $(grep -E '^(alice|bob|UNDEF),' "$WORK/status-nocert.log" 2>/dev/null | tr '\n' ';')"
	fi
	stop_all "$p0" "$p2" "$PID_S"
	sed -i '/^auth-user-pass-verify/d' "$WORK/server-nocert.conf"
	if (cd "$KEYS" && "$OPENVPN_BIN" --config "$WORK/server-nocert.conf") 2>&1 |
		grep -q "verify-client-cert none needs --auth-user-pass-verify"; then
		pass "nocert: --verify-client-cert none without --auth-user-pass-verify is refused"
	else
		fail "nocert: --verify-client-cert none without --auth-user-pass-verify was not refused"
	fi
}

# ---- --tls-crypt / --tls-auth: the stateless handshake answer is wrapped too --
case_wrap() {
	local mode srv_line cli_line p0 p2
	for mode in tls-crypt tls-auth; do
		if [ "$mode" = tls-crypt ]; then
			srv_line="tls-crypt ta.key" cli_line="tls-crypt ta.key"
		else
			srv_line="tls-auth ta.key 0" cli_line="tls-auth ta.key 1"
		fi
		sample_server_conf "$mode" "$srv_line"
		sample_client_conf deb0 client.crt client.key "$cli_line"
		sample_client_conf ours2 "$WORK/client3.crt" "$WORK/client3.key" "$cli_line"
		start_server "$mode" || { fail "$mode: our server did not start"; continue; }
		start_client "$C0" deb0 "$DEBIAN_OPENVPN"; p0=$LAST_PID
		start_client "$C2" ours2 "$OPENVPN_BIN"; p2=$LAST_PID
		if wait_log "$WORK/deb0.log" 'Initialization Sequence Completed' 30 &&
			wait_log "$WORK/ours2.log" 'Initialization Sequence Completed' 30 &&
			ping_ok "$C0" 10.8.0.1 && ping_ok "$C2" 10.8.0.1; then
			pass "$mode: Debian client and ours connected (stateless reset answer wrapped)"
		else
			fail "$mode: clients with $mode"
		fi
		stop_all "$p0" "$p2" "$PID_S"
	done
}

# ---- net30 (2.6's default), p2p, and a manual --mode server with a pool ----
case_topologies() {
	local name gw p0 p2 a0 a2
	for name in net30 p2p manual; do
		case $name in
		net30) set -- --server 10.8.0.0 255.255.255.0; gw=10.8.0.1 ;;
		p2p) set -- --server 10.8.0.0 255.255.255.0 --topology p2p; gw=10.8.0.1 ;;
		manual) set -- --mode server --tls-server --topology subnet \
			--ifconfig 10.9.0.1 255.255.255.0 --ifconfig-pool 10.9.0.50 10.9.0.60 255.255.255.0 \
			--push "route-gateway 10.9.0.1" --push "topology subnet"; gw=10.9.0.1 ;;
		esac
		start_in "$NS_A" "$WORK/server-$name.log" "$OPENVPN_BIN" --cd "$KEYS" --dev tun \
			--proto udp --port 1194 --dh dh2048.pem --ca ca.crt --cert server.crt \
			--key server.key --verb 3 "$@"
		PID_S=$LAST_PID
		wait_log "$WORK/server-$name.log" 'Initialization Sequence Completed' 15 ||
			{ fail "$name: server did not start"; continue; }
		sample_client_conf deb0 client.crt client.key
		sample_client_conf ours2 "$WORK/client3.crt" "$WORK/client3.key"
		start_client "$C0" deb0 "$DEBIAN_OPENVPN"; p0=$LAST_PID
		start_client "$C2" ours2 "$OPENVPN_BIN"; p2=$LAST_PID
		if wait_log "$WORK/deb0.log" 'Initialization Sequence Completed' 30 &&
			wait_log "$WORK/ours2.log" 'Initialization Sequence Completed' 30 &&
			ping_ok "$C0" "$gw" && ping_ok "$C2" "$gw" &&
			a0=$(tun_addr "$C0") && a2=$(tun_addr "$C2") &&
			ping_ok "$NS_A" "$a0" && ping_ok "$NS_A" "$a2"; then
			pass "$name: Debian client ($a0) and ours ($a2), ping both ways"
		else
			fail "$name topology"
		fi
		stop_all "$p0" "$p2" "$PID_S"
	done
}

case_udp
case_wrap
case_topologies
case_ccd
case_scripts
case_nocert
case_tcp
finish
