#!/bin/bash
# --up, --down (and --down-pre), --route-up, --ipchange and --tls-verify
# scripts in a P2P TLS tunnel between two of our daemons; pushed dhcp-options reaching an
# --up script as foreign_option_N when our client talks to Debian's
# openvpn 2.6 server; and --script-security 1 refusing a script with the
# line that names the level needed. The scripts write their arguments and
# environment into files, which are compared with what 2.6 passes.
. "$(dirname "$0")/lib.sh"

require_root
require_daemon
command -v openssl >/dev/null || skip "openssl command missing (apt-get install openssl)"
netns_pair || { fail "namespace setup"; finish; }
"$(dirname "$0")/pki.sh" "$WORK/pki" || { fail "PKI generation"; finish; }
P=$WORK/pki
OUT=$WORK/out
mkdir -p "$OUT"
TUN_A=10.207.$OCTET.1
TUN_B=10.207.$OCTET.2
ROUTE_NET=10.208.$OCTET.0
DEV=tun$UNIQ

# The script sees only the daemon's variables (OUTDIR and SIDE come from
# --setenv); it records its arguments, environment, and whether the device
# and the --route exist while it runs.
DUMP=$WORK/dump.sh
cat >"$DUMP" <<'EOF'
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
f="$OUTDIR/$SIDE.$script_type"
{
	echo "ARGS: $*"
	if ip link show "$dev" >/dev/null 2>&1; then echo "DEV_PRESENT=yes"; else echo "DEV_PRESENT=no"; fi
	if [ -n "$ROUTE_CHECK" ] && ip route show "$ROUTE_CHECK/24" | grep -q .; then
		echo "ROUTE_PRESENT=yes"
	else
		echo "ROUTE_PRESENT=no"
	fi
	env | sort
} >"$f.tmp" && mv "$f.tmp" "$f"
EOF
chmod 755 "$DUMP"

# expect FILE LINE: the file has exactly this line
expect() {
	if [ -f "$1" ] && grep -qxF -- "$2" "$1"; then
		pass "$(basename "$1"): $2"
	else
		fail "$(basename "$1"): no line '$2'"
		[ -f "$1" ] && sed 's/^/    | /' "$1"
	fi
}

# ---- P2P TLS between two of our daemons ---------------------------------------
export NS_TEST_MARK=1
start_in "$NS_A" "$WORK/a.log" "$OPENVPN_BIN" --dev "$DEV" --remote "$ADDR_B" \
	--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$P/ca.crt" \
	--cert "$P/server.crt" --key "$P/server.key" --verb 3 \
	--script-security 2 --setenv OUTDIR "$OUT" --setenv SIDE a \
	--setenv ROUTE_CHECK "$ROUTE_NET" --route "$ROUTE_NET" 255.255.255.0 \
	--up "$DUMP 'first arg'" --down "$DUMP" --route-up "$DUMP" --ipchange "$DUMP"
PA=$LAST_PID
sleep 0.3
start_in "$NS_B" "$WORK/b.log" "$OPENVPN_BIN" --dev "$DEV" --remote "$ADDR_A" \
	--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$P/ca.crt" \
	--cert "$P/client.crt" --key "$P/client.key" --verb 3 \
	--script-security 2 --setenv OUTDIR "$OUT" --setenv SIDE b --setenv-safe X y \
	--up "$DUMP" --down "$DUMP" --down-pre --tls-verify "$DUMP"
PB=$LAST_PID
if wait_log "$WORK/a.log" 'Initialization Sequence Completed' 20 &&
	wait_log "$WORK/b.log" 'Initialization Sequence Completed' 20 &&
	ping_ok "$NS_A" "$TUN_B"; then
	pass "P2P TLS tunnel with scripts is up"
else
	fail "P2P TLS tunnel with scripts did not come up"
fi
sleep 0.5	# --ipchange runs when the handshake completes
stop_pid "$PA"
stop_pid "$PB"

# --up: 2.6's arguments after the command's own, then the variables
expect "$OUT/a.up" "ARGS: first arg $DEV 1500 0 $TUN_A $TUN_B init"
expect "$OUT/a.up" "script_type=up"
expect "$OUT/a.up" "dev=$DEV"
expect "$OUT/a.up" "tun_mtu=1500"
expect "$OUT/a.up" "ifconfig_local=$TUN_A"
expect "$OUT/a.up" "ifconfig_remote=$TUN_B"
expect "$OUT/a.up" "script_context=init"
expect "$OUT/a.up" "route_network_1=$ROUTE_NET"
expect "$OUT/a.up" "DEV_PRESENT=yes"
expect "$OUT/a.up" "ROUTE_PRESENT=no"	# --up runs before the routes
expect "$OUT/a.up" "verb=3"
expect "$OUT/a.up" "SIDE=a"
# the daemon's own environment (exported by this test) stays out
if grep -q '^OPENVPN_BIN=\|^NS_TEST_MARK=' "$OUT/a.up" 2>/dev/null; then
	fail "a.up: the daemon's own environment leaked into the script"
else
	pass "a.up: none of the daemon's own environment"
fi
# --route-up: no arguments, after the routes
expect "$OUT/a.route-up" "ARGS: "
expect "$OUT/a.route-up" "script_type=route-up"
expect "$OUT/a.route-up" "ROUTE_PRESENT=yes"
# --ipchange: the authenticated peer's address and port
expect "$OUT/a.ipchange" "script_type=ipchange"
expect "$OUT/a.ipchange" "trusted_ip=$ADDR_B"
if grep -qE "^ARGS: $ADDR_B [0-9]+$" "$OUT/a.ipchange" 2>/dev/null; then
	pass "a.ipchange: $(grep '^ARGS' "$OUT/a.ipchange")"
else
	fail "a.ipchange: arguments are not 'address port'"
fi
# --down: after the device is gone, with the reason
expect "$OUT/a.down" "ARGS: $DEV 1500 0 $TUN_A $TUN_B init"
expect "$OUT/a.down" "script_type=down"
expect "$OUT/a.down" "signal=sigterm"
expect "$OUT/a.down" "DEV_PRESENT=no"
# the client: --down-pre runs --down while the device still exists
expect "$OUT/b.up" "ARGS: $DEV 1500 0 $TUN_B $TUN_A init"
expect "$OUT/b.up" "OPENVPN_X=y"
expect "$OUT/b.down" "script_type=down"
expect "$OUT/b.down" "DEV_PRESENT=yes"

# --tls-verify: the last run is for the peer's own certificate (depth 0)
expect "$OUT/b.tls-verify" "ARGS: 0 CN=server"
expect "$OUT/b.tls-verify" "script_type=tls-verify"
expect "$OUT/b.tls-verify" "tls_id_0=CN=server"
expect "$OUT/b.tls-verify" "tls_id_1=CN=Test CA"
expect "$OUT/b.tls-verify" "X509_0_CN=server"
expect "$OUT/b.tls-verify" "common_name=server"
if grep -qE '^tls_digest_sha256_0=([0-9a-f]{2}:){31}[0-9a-f]{2}$' "$OUT/b.tls-verify" 2>/dev/null; then
	pass "b.tls-verify: tls_digest_sha256_0 in 2.6's format"
else
	fail "b.tls-verify: no tls_digest_sha256_0"
fi

# a --tls-verify script that says no fails the handshake
start_in "$NS_A" "$WORK/tva.log" "$OPENVPN_BIN" --dev "$DEV" --remote "$ADDR_B" \
	--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$P/ca.crt" \
	--cert "$P/server.crt" --key "$P/server.key" --verb 3
PA=$LAST_PID
start_in "$NS_B" "$WORK/tvb.log" "$OPENVPN_BIN" --dev "$DEV" --remote "$ADDR_A" \
	--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$P/ca.crt" \
	--cert "$P/client.crt" --key "$P/client.key" --verb 3 \
	--script-security 2 --tls-verify "/bin/sh -c 'exit 1'"
PB=$LAST_PID
if wait_log "$WORK/tvb.log" 'VERIFY SCRIPT ERROR: depth=1, CN=Test CA' 15 &&
	! grep -q 'Initialization Sequence Completed' "$WORK/tvb.log"; then
	pass "--tls-verify exit 1: handshake refused ($(grep -m1 -o 'VERIFY SCRIPT ERROR.*' "$WORK/tvb.log"))"
else
	fail "--tls-verify exit 1 did not refuse the peer"
fi
stop_pid "$PA"
stop_pid "$PB"

# ---- --script-security 1 refuses, and a refused --up is fatal ----------------------
start_in "$NS_A" "$WORK/refused.log" "$OPENVPN_BIN" --dev "$DEV" \
	--ifconfig "$TUN_A" "$TUN_B" --verb 3 --script-security 1 \
	--setenv OUTDIR "$OUT" --setenv SIDE refused --up "$DUMP"
PR=$LAST_PID
if wait_gone "$PR" 10; then
	pass "--script-security 1: the daemon stopped after the refused --up"
else
	fail "--script-security 1: the daemon still runs after a refused --up"
	stop_pid "$PR"
fi
if grep -qF "WARNING: External program may not be called unless '--script-security 2' or higher is enabled." "$WORK/refused.log" &&
	grep -qF "Failed running command (--up): disallowed by script-security setting" "$WORK/refused.log"; then
	pass "--script-security 1: $(grep -o "WARNING: External program.*enabled\." "$WORK/refused.log")"
else
	fail "--script-security 1: no refusal naming the level and the option"
	sed 's/^/    | /' "$WORK/refused.log"
fi
[ -e "$OUT/refused.up" ] && fail "--script-security 1: the script ran anyway"

# ---- pushed dhcp-options reach our client's --up as foreign_option_N ----------------
EX=/usr/share/doc/openvpn/examples
KEYS=$EX/sample-keys
if [ -x "$DEBIAN_OPENVPN" ] && [ -r "$EX/sample-config-files/server.conf" ]; then
	sed -e "s|^ifconfig-pool-persist .*|ifconfig-pool-persist $WORK/ipp.txt|" \
		-e "s|^status .*|status $WORK/status.log|" \
		"$EX/sample-config-files/server.conf" >"$WORK/server.conf"
	sed -e "s|^remote my-server-1 1194|remote $ADDR_A 1194|" \
		"$EX/sample-config-files/client.conf" >"$WORK/client.conf"
	start_in "$NS_A" "$WORK/dserver.log" "$DEBIAN_OPENVPN" --cd "$KEYS" \
		--config "$WORK/server.conf" --push "dhcp-option DNS 10.8.0.53" \
		--push "dhcp-option DOMAIN vpn.example"
	PS=$LAST_PID
	wait_log "$WORK/dserver.log" 'Initialization Sequence Completed' 15 ||
		fail "Debian server did not start"
	start_in "$NS_B" "$WORK/client.log" "$OPENVPN_BIN" --cd "$KEYS" --config "$WORK/client.conf" \
		--script-security 2 --setenv OUTDIR "$OUT" --setenv SIDE client --up "$DUMP"
	PC=$LAST_PID
	wait_log "$WORK/client.log" 'Initialization Sequence Completed' 30 ||
		fail "our client did not connect to Debian's server"
	stop_pid "$PC"
	stop_pid "$PS"
	expect "$OUT/client.up" "foreign_option_1=dhcp-option DNS 10.8.0.53"
	expect "$OUT/client.up" "foreign_option_2=dhcp-option DOMAIN vpn.example"
	expect "$OUT/client.up" "script_type=up"
	if grep -qE '^ifconfig_local=10\.8\.0\.[0-9]+$' "$OUT/client.up" 2>/dev/null; then
		pass "client.up: pushed $(grep '^ifconfig_local=' "$OUT/client.up")"
	else
		fail "client.up: no pushed ifconfig_local"
	fi
else
	echo "SKIP: pushed foreign options (Debian's openvpn and its sample configs are needed)"
fi

finish
