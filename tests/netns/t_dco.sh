#!/bin/bash
# Data channel offload decisions on a host: --dco-check (every blocker, the
# module's availability, exit status), --require-dco refusing to start, and
# the fallback notes at --verb 3. Where the ovpn-dco-v2 module is missing
# (the usual case outside tests/vm) DCO must be reported missing; where it
# is there, the same configurations must be reported usable.
. "$(dirname "$0")/lib.sh"

require_daemon
"$OPENVPN_BIN" --version | grep -q "^DCO: built" || skip "this build has no DCO support"

# expect LABEL WANT_RC REGEX command...
expect() {
	local label=$1 want_rc=$2 re=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -Eq -- "$re" <<<"$out"; then
		pass "$label"
	else
		fail "$label: rc=$rc (want $want_rc), output:"
		sed 's/^/    | /' <<<"$out" | head -n 30
	fi
}

# The module loads on demand, so "installed" counts as present.
module_present() {
	[ -d /sys/module/ovpn_dco_v2 ] || modinfo ovpn-dco-v2 >/dev/null 2>&1
}

HERE=$(cd "$(dirname "$0")" && pwd)
cd "$WORK" || exit 1
# finalize only checks that the key files exist
for f in ca.crt c.crt c.key; do printf 'x\n' >"$f"; chmod 600 "$f"; done
base=(--dev tun --remote 192.0.2.1 --tls-client --ca ca.crt --cert c.crt --key c.key)

if module_present; then
	expect "--dco-check: clean config can use DCO here" 0 \
		"result: data channel offload would be used" "$OPENVPN_BIN" "${base[@]}" --dco-check
else
	expect "--dco-check: module missing is reported, exit 1" 1 \
		"kernel module: missing: .*ovpn-dco-v2" "$OPENVPN_BIN" "${base[@]}" --dco-check
	expect "--dco-check: names what is needed" 1 "needed: generic netlink family 'ovpn-dco-v2'" \
		"$OPENVPN_BIN" "${base[@]}" --dco-check
	expect "--dco-check: clean config has no option blocker" 1 \
		"would NOT be used \(0 option blockers, kernel module missing\)" \
		"$OPENVPN_BIN" "${base[@]}" --dco-check
fi

out=$("$OPENVPN_BIN" "${base[@]}" --compress lz4 --data-ciphers AES-256-GCM:AES-128-CBC \
	--inactive 600 --dco-check 2>&1)
rc=$?
n=$(grep -c ": NO: " <<<"$out")
if [ "$rc" = 1 ] && [ "$n" = 3 ] && grep -q "^  --compress/--comp-lzo: NO: .*to use DCO: remove it" <<<"$out" &&
	grep -q "^  --data-ciphers: NO: cipher 'AES-128-CBC'" <<<"$out" &&
	grep -q "^  --inactive: NO: " <<<"$out"; then
	pass "--dco-check: three blockers give three lines, each with its fix"
else
	fail "--dco-check with three blockers: rc=$rc, $n NO lines:"
	sed 's/^/    | /' <<<"$out"
fi
# --user keeps CAP_NET_ADMIN for the module (as 2.6): a blocker only for a
# process that is not permitted to hold it
out=$("$OPENVPN_BIN" "${base[@]}" --user nobody --group nogroup --dco-check 2>&1)
if grep -q "^  --user: NO: " <<<"$out"; then
	fail "--dco-check: --user is a blocker although we run as root"
	sed 's/^/    | /' <<<"$out"
else
	pass "--dco-check: --user is no blocker for root (CAP_NET_ADMIN is kept)"
fi
if command -v setpriv >/dev/null; then
	expect "--dco-check: --user without CAP_NET_ADMIN permitted is a blocker" 1 \
		"--user: NO: .*not permitted to hold it" \
		setpriv --bounding-set -net_admin "$OPENVPN_BIN" "${base[@]}" --user nobody --dco-check
else
	fail "setpriv (util-linux) missing"
fi
expect "--dco-check: cleartext is a blocker" 1 "--tls-client/--tls-server: NO: no TLS" \
	"$OPENVPN_BIN" --dev tun --remote 192.0.2.1 --dco-check
expect "--dco-check: --disable-dco is reported" 1 "--disable-dco: NO: " \
	"$OPENVPN_BIN" "${base[@]}" --disable-dco --dco-check
expect "--dco-check: TCP is served" "$(module_present && echo 0 || echo 1)" \
	"--proto tcp: served" "$OPENVPN_BIN" "${base[@]}" --proto tcp-client --dco-check

expect "--require-dco: a blocker refuses to start" 1 \
	"--require-dco: data channel offload cannot be used, refusing to start" \
	"$OPENVPN_BIN" "${base[@]}" --compress lz4 --require-dco
expect "--require-dco: and says why" 1 "Note: --compress/--comp-lzo disables data channel offload" \
	"$OPENVPN_BIN" "${base[@]}" --compress lz4 --require-dco
if ! module_present; then
	expect "--require-dco: missing module refuses to start" 1 \
		"Note: Kernel support for ovpn-dco missing, disabling data channel offload\." \
		"$OPENVPN_BIN" "${base[@]}" --require-dco
fi

# ---- a real tunnel falls back, saying why only at --verb 3 ---------------------
if [ "$(id -u)" != 0 ] || ! command -v openssl >/dev/null || module_present; then
	echo "SKIP: fallback tunnel (needs root, openssl and a host without ovpn-dco-v2)"
	finish
fi
require_root
netns_pair || { fail "namespace setup"; finish; }
"$HERE/pki.sh" "$WORK/pki" >/dev/null 2>&1 || { fail "PKI generation"; finish; }
P=$WORK/pki
start_in "$NS_A" "$WORK/a.log" "$OPENVPN_BIN" --dev "tun$UNIQ" --remote "$ADDR_B" \
	--ifconfig 10.207.$OCTET.1 10.207.$OCTET.2 --tls-server --dh none --ca "$P/ca.crt" \
	--cert "$P/server.crt" --key "$P/server.key" --verb 3
pa=$LAST_PID
start_in "$NS_B" "$WORK/b.log" "$OPENVPN_BIN" --dev "tun$UNIQ" --remote "$ADDR_A" \
	--ifconfig 10.207.$OCTET.2 10.207.$OCTET.1 --tls-client --ca "$P/ca.crt" \
	--cert "$P/client.crt" --key "$P/client.key" --verb 3 --disable-dco
pb=$LAST_PID
if wait_log "$WORK/a.log" "Initialization Sequence Completed" 15 &&
	wait_log "$WORK/b.log" "Initialization Sequence Completed" 15 &&
	ping_ok "$NS_B" 10.207.$OCTET.1; then
	pass "tunnel runs on the userspace data path"
else
	fail "tunnel did not come up"
fi
if grep -q "Note: Kernel support for ovpn-dco missing, disabling data channel offload\." "$WORK/a.log"; then
	pass "missing module noted at verb 3, with the text OpenVPN 2.6 uses"
else
	fail "no 'Kernel support for ovpn-dco missing' note in the log"
fi
if [ "$(grep -c "DCO" "$WORK/b.log")" = 1 ] && grep -q "DCO: disabled by --disable-dco" "$WORK/b.log"; then
	pass "--disable-dco: one line at verb 3"
else
	fail "--disable-dco logging:"
	grep DCO "$WORK/b.log" | sed 's/^/    | /'
fi
stop_pid "$pa"
stop_pid "$pb"
finish
