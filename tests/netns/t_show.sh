#!/bin/bash
# Report-and-exit commands: --show-tls lists the same TLS suites as Debian's
# openvpn 2.6 for the same options, --show-gateway finds the namespace's
# default gateways as 2.6 does, --show-ciphers / --show-digests / --show-groups
# list the data channel's algorithms, --mktun / --rmtun make and remove a
# persistent tun interface that a tunnel can then use.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
netns_pair || { fail "namespace setup"; finish; }
OURS=$OPENVPN_BIN
DEB=$DEBIAN_OPENVPN

# suites: the suite lines of a --show-tls listing
suites() { grep -E '^TLS[-_][A-Z0-9_-]+$' | sort; }

for opts in "" "--tls-version-min 1.2 --tls-cipher TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256" \
	"--tls-ciphersuites TLS_AES_128_GCM_SHA256"; do
	# shellcheck disable=SC2086
	ours=$("$OURS" --show-tls $opts 2>&1 | suites)
	# shellcheck disable=SC2086
	deb=$("$DEB" --show-tls $opts 2>&1 | suites)
	n=$(wc -l <<<"$ours")
	if [ -n "$ours" ] && [ "$ours" = "$deb" ]; then
		pass "--show-tls ${opts:-(defaults)}: the same $n suites as Debian 2.6"
	else
		fail "--show-tls ${opts:-(defaults)}: differs from Debian 2.6:"
		diff <(echo "$ours") <(echo "$deb") | sed 's/^/    /'
	fi
done

avail=$("$OURS" --show-ciphers | grep -c ' bit key' || true)
if [ "$avail" -ge 10 ] && "$OURS" --show-ciphers | grep -q '^AES-256-GCM .*DCO$' &&
	"$OURS" --show-ciphers | grep -q '^BF-CBC .*unavailable: needs OpenSSL.s legacy provider'; then
	pass "--show-ciphers: $avail ciphers, AES-256-GCM marked for DCO, BF-CBC unavailable"
else
	fail "--show-ciphers: $("$OURS" --show-ciphers 2>&1 | head -5)"
fi
if "$OURS" --show-digests | grep -q '^SHA256 .*256 bit digest$' &&
	"$OURS" --show-groups | grep -qx 'secp384r1'; then
	pass "--show-digests lists SHA256, --show-groups secp384r1"
else
	fail "--show-digests / --show-groups"
fi

# --show-gateway in a namespace whose default route goes via B
GW=$ADDR_B
ip -n "$NS_A" route add default via "$GW"
ip -n "$NS_A" -6 route add default via "$ADDR6_B"
ours=$(ip netns exec "$NS_A" "$OURS" --show-gateway 2>&1)
deb=$(ip netns exec "$NS_A" "$DEB" --show-gateway 2>&1)
deb4=$(sed -n 's/.*ROUTE_GATEWAY \([0-9.]*\)\/.*/\1/p' <<<"$deb")
deb6=$(sed -n 's/.*ROUTE6_GATEWAY \([0-9a-f:]*\) .*/\1/p' <<<"$deb")
if grep -qx "ROUTE_GATEWAY $GW IFACE=va$UNIQ" <<<"$ours" && [ "$deb4" = "$GW" ] &&
	grep -qx "ROUTE6_GATEWAY $ADDR6_B IFACE=va$UNIQ" <<<"$ours" && [ "$deb6" = "$ADDR6_B" ]; then
	pass "--show-gateway: $GW and $ADDR6_B on va$UNIQ, as Debian 2.6"
else
	fail "--show-gateway: ours '$ours', Debian '$deb'"
fi
if ip netns exec "$NS_B" "$OURS" --show-gateway | grep -q '^ROUTE_GATEWAY none'; then
	pass "--show-gateway without a default route says none"
else
	fail "--show-gateway without a default route"
fi

# --mktun with --user: persistent, owned; a tunnel uses it and leaves it; --rmtun
DEV=tunp$UNIQ
if ip netns exec "$NS_A" "$OURS" --mktun --dev "$DEV" --user nobody >"$WORK/mktun.log" 2>&1 &&
	ip -n "$NS_A" -d link show "$DEV" | grep -q 'persist on user nobody group nogroup'; then
	pass "--mktun --user nobody: $DEV persistent, owned by nobody:nogroup"
else
	fail "--mktun: $(cat "$WORK/mktun.log"; ip -n "$NS_A" -d link show "$DEV" 2>&1)"
fi
start_in "$NS_A" "$WORK/persist.log" "$OURS" --dev "$DEV" --ifconfig 10.203.$OCTET.1 10.203.$OCTET.2 \
	--remote "$ADDR_B" --verb 3
pa=$LAST_PID
wait_log "$WORK/persist.log" 'Initialization Sequence Completed' 10 || fail "tunnel on the persistent $DEV"
stop_pid "$pa"
if ip -n "$NS_A" -d link show "$DEV" 2>/dev/null | grep -q 'persist on' &&
	! ip -n "$NS_A" addr show dev "$DEV" | grep -q 10.203; then
	pass "the tunnel used $DEV and left it in place, without its address"
else
	fail "$DEV is gone after the tunnel exited"
fi
if ip netns exec "$NS_A" "$OURS" --rmtun --dev "$DEV" >"$WORK/rmtun.log" 2>&1 &&
	! ip -n "$NS_A" link show "$DEV" >/dev/null 2>&1; then
	pass "--rmtun removed $DEV"
else
	fail "--rmtun: $(cat "$WORK/rmtun.log")"
fi
out=$("$OURS" --mktun 2>&1) && fail "--mktun without --dev succeeded" ||
	{ grep -q 'needs --dev' <<<"$out" && pass "--mktun without --dev: $out" || fail "--mktun without --dev: $out"; }
finish
