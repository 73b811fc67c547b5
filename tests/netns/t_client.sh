#!/bin/bash
# Client mode against Debian's openvpn 2.6 server, both running Debian's
# sample server.conf and client.conf (from the openvpn package, with the
# sample keys beside them) changed only in addresses and file paths; and
# the sample client.p12 with --pkcs12.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
require_debian_samples
netns_pair || { fail "namespace setup"; finish; }

# run_proto udp|tcp: Debian's sample server and our client with the sample
# client config; for tcp both files get "proto tcp" instead of "proto udp".
run_proto() {
	local p=$1 dev
	sed -e "s|^ifconfig-pool-persist .*|ifconfig-pool-persist $WORK/ipp.txt|" \
		-e "s|^status .*|status $WORK/status.log|" -e "s|^proto udp|proto $p|" \
		-e "s|^explicit-exit-notify 1|$([ "$p" = tcp ] && echo ';')explicit-exit-notify 1|" \
		"$EX/sample-config-files/server.conf" >"$WORK/server-$p.conf"
	sed -e "s|^remote my-server-1 1194|remote $ADDR_A 1194|" -e "s|^proto udp|proto $p|" \
		"$EX/sample-config-files/client.conf" >"$WORK/client-$p.conf"
	echo "config changes for $p (addresses, paths, protocol):"
	diff "$EX/sample-config-files/server.conf" "$WORK/server-$p.conf" | grep '^[<>]' | sed 's/^/  /'
	diff "$EX/sample-config-files/client.conf" "$WORK/client-$p.conf" | grep '^[<>]' | sed 's/^/  /'

	start_in "$NS_A" "$WORK/server-$p.log" "$DEBIAN_OPENVPN" --cd "$KEYS" --config "$WORK/server-$p.conf"
	PID_S=$LAST_PID
	wait_log "$WORK/server-$p.log" 'Initialization Sequence Completed' 15 || fail "Debian server did not start"
	start_in "$NS_B" "$WORK/client-$p.log" "$OPENVPN_BIN" --cd "$KEYS" --config "$WORK/client-$p.conf"
	PID_C=$LAST_PID
	if wait_log "$WORK/client-$p.log" 'Initialization Sequence Completed' 30; then
		pass "$p: our client connected to Debian's sample server"
		dev=$(ip -n "$NS_B" -o link show | awk -F': ' '/tun/ {print $2; exit}')
		if ip -n "$NS_B" addr show dev "$dev" | grep -q 'inet 10\.8\.0\.[0-9]*/24'; then
			pass "$p: pushed ifconfig applied: $(ip -n "$NS_B" -o -4 addr show dev "$dev" | awk '{print $4}') on $dev"
		else
			fail "$p: pushed ifconfig not applied"
		fi
		if ping_ok "$NS_B" 10.8.0.1 56 5 && ping_ok "$NS_B" 10.8.0.1 1400 3; then
			pass "$p: ping client -> server 10.8.0.1 (56 and 1400 bytes)"
		else
			fail "$p: no ping across the tunnel"
		fi
		if grep -q "Data Channel: cipher 'AES-256-GCM', peer-id: [0-9]" "$WORK/client-$p.log"; then
			pass "$p: $(grep -m1 -o "Data Channel: cipher '[^']*', peer-id: [0-9]*" "$WORK/client-$p.log")"
		else
			fail "$p: no data channel line in our log"
		fi
	else
		fail "$p: our client did not connect (log $WORK/client-$p.log)"
	fi
	stop_pid "$PID_C"
	stop_pid "$PID_S"
}

# The server pushes redirect-gateway: all traffic goes through the tunnel,
# the server itself stays reachable outside it, and everything is undone
# at exit.
run_redirect() {
	local dev
	sed -e "s|^ifconfig-pool-persist .*|ifconfig-pool-persist $WORK/ipp-r.txt|" \
		-e "s|^status .*|status $WORK/status-r.log|" \
		"$EX/sample-config-files/server.conf" >"$WORK/server-r.conf"
	printf '\npush "redirect-gateway def1 ipv6"\nserver-ipv6 fd00:8:%s::/64\n' "$OCTET" \
		>>"$WORK/server-r.conf"
	sed -e "s|^remote my-server-1 1194|remote $ADDR_A 1194|" \
		"$EX/sample-config-files/client.conf" >"$WORK/client-r.conf"
	start_in "$NS_A" "$WORK/server-r.log" "$DEBIAN_OPENVPN" --cd "$KEYS" --config "$WORK/server-r.conf"
	PID_S=$LAST_PID
	wait_log "$WORK/server-r.log" 'Initialization Sequence Completed' 15 || fail "redirect: Debian server did not start"
	start_in "$NS_B" "$WORK/client-r.log" "$OPENVPN_BIN" --cd "$KEYS" --config "$WORK/client-r.conf"
	PID_C=$LAST_PID
	if wait_log "$WORK/client-r.log" 'Initialization Sequence Completed' 30; then
		dev=$(ip -n "$NS_B" -o link show | awk -F': ' '/tun/ {print $2; exit}')
		if ip -n "$NS_B" route get 192.0.2.99 | grep -q "via 10.8.0.1 dev $dev" &&
			ip -n "$NS_B" route get "$ADDR_A" | grep -q "dev vb$UNIQ" &&
			ip -n "$NS_B" -6 route get 2001:db8::1 | grep -q "dev $dev" &&
			ping_ok "$NS_B" 10.8.0.1; then
			pass "redirect-gateway def1 ipv6: other destinations via the tunnel, the server via the link"
		else
			fail "redirect-gateway routes: $(ip -n "$NS_B" route | tr '\n' ';')"
		fi
	else
		fail "redirect: our client did not connect"
	fi
	stop_pid "$PID_C"
	if ip -n "$NS_B" route | grep -q '^0.0.0.0/1\|^128.0.0.0/1' || ip -n "$NS_B" route | grep -q "^$ADDR_A "; then
		fail "redirect-gateway routes left behind: $(ip -n "$NS_B" route | tr '\n' ';')"
	else
		pass "redirect-gateway routes removed at exit"
	fi
	stop_pid "$PID_S"
}

# --pkcs12 instead of --ca/--cert/--key: Debian's sample client.p12
# (password "password", given with --askpass), as a file and inline
# (base64, as OpenVPN inlines it); a wrong password is refused at start.
run_pkcs12() {
	local how=$1 conf=$WORK/client-p12-$1.conf log=$WORK/client-p12-$1.log
	sed -e "s|^remote my-server-1 1194|remote $ADDR_A 1194|" -e '/^ca /d' -e '/^cert /d' \
		-e '/^key /d' "$EX/sample-config-files/client.conf" >"$conf"
	echo "askpass $WORK/p12-$how.pass" >>"$conf"
	if [ "$how" = inline ]; then
		{ echo "<pkcs12>"; base64 "$KEYS/client.p12"; echo "</pkcs12>"; } >>"$conf"
	else
		echo "pkcs12 $KEYS/client.p12" >>"$conf"
	fi
	if [ "$how" = wrong ]; then echo nope; else echo password; fi >"$WORK/p12-$how.pass"
	start_in "$NS_B" "$log" "$OPENVPN_BIN" --config "$conf"
	PID_C=$LAST_PID
	if [ "$how" = wrong ]; then
		if wait_log "$log" 'wrong --askpass password' 10 && wait_gone "$PID_C" 5; then
			pass "pkcs12: a wrong password is refused at start"
		else
			fail "pkcs12 with a wrong password (log $log)"
		fi
	elif wait_log "$log" 'Initialization Sequence Completed' 30 && ping_ok "$NS_B" 10.8.0.1 56 5; then
		pass "pkcs12 ($how): our client connected with the sample client.p12, no --ca, ping"
	else
		fail "pkcs12 ($how): no tunnel (log $log)"
	fi
	stop_pid "$PID_C"
}

run_proto udp
run_proto tcp
run_redirect
sed -e "s|^ifconfig-pool-persist .*|ifconfig-pool-persist $WORK/ipp-p.txt|" \
	-e "s|^status .*|status $WORK/status-p.log|" \
	"$EX/sample-config-files/server.conf" >"$WORK/server-p.conf"
start_in "$NS_A" "$WORK/server-p.log" "$DEBIAN_OPENVPN" --cd "$KEYS" --config "$WORK/server-p.conf"
PID_S=$LAST_PID
wait_log "$WORK/server-p.log" 'Initialization Sequence Completed' 15 || fail "pkcs12: Debian server did not start"
for how in file inline wrong; do
	run_pkcs12 "$how"
done
stop_pid "$PID_S"
finish
