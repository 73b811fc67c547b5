#!/bin/bash
# The daemon creates its tun device from --ifconfig/--ifconfig-ipv6/--route/
# --route-ipv6/--tun-mtu, for each topology, and removes everything on exit.
. "$(dirname "$0")/lib.sh"

require_root
require_daemon
netns_pair || { fail "namespace setup"; finish; }
DEV="tunc$UNIQ"

# check LABEL COMMAND REGEX: the command output must match
check() {
	local label=$1 out
	out=$(eval "$2" 2>&1)
	if grep -Eq -- "$3" <<<"$out"; then
		return 0
	fi
	echo "  $label: '$2' did not show /$3/:"
	sed 's/^/    | /' <<<"$out"
	return 1
}

run_topology() {
	local topo=$1 remote=$2 want_addr=$3 log="$WORK/tun-$1.log" ok=1
	start_in "$NS_A" "$log" "$OPENVPN_BIN" --dev "$DEV" --topology "$topo" \
		--ifconfig 10.201.$OCTET.1 "$remote" --tun-mtu 1400 \
		--ifconfig-ipv6 fd00:201:$OCTET::1/64 fd00:201:$OCTET::2 \
		--route 10.202.$OCTET.0 255.255.255.0 \
		--route-ipv6 fd00:202:$OCTET::/64 \
		--remote "$ADDR_B" --verb 3
	local pid=$LAST_PID
	wait_log "$log" 'Initialization Sequence Completed' 10 || ok=0
	check addr "ip -n $NS_A addr show dev $DEV" "$want_addr" || ok=0
	check mtu "ip -n $NS_A link show dev $DEV" "mtu 1400 .*state (UP|UNKNOWN)" || ok=0
	check addr6 "ip -n $NS_A -6 addr show dev $DEV" "inet6 fd00:201:$OCTET::1/64" || ok=0
	check route "ip -n $NS_A route show dev $DEV" "^10\.202\.$OCTET\.0/24" || ok=0
	check route6 "ip -n $NS_A -6 route show dev $DEV" "^fd00:202:$OCTET::/64" || ok=0
	stop_pid "$pid" || { echo "  no exit on SIGTERM"; ok=0; }
	if ip -n "$NS_A" link show "$DEV" >/dev/null 2>&1; then
		echo "  $DEV still exists after exit"
		ok=0
	fi
	if ip -n "$NS_A" route | grep -q "10.202.$OCTET.0"; then
		echo "  route left behind"
		ok=0
	fi
	[ $ok = 1 ] && pass "topology $topo" || fail "topology $topo (log $log)"
}

run_topology net30 10.201.$OCTET.2 "inet 10\.201\.$OCTET\.1 peer 10\.201\.$OCTET\.2/32"
run_topology p2p 10.201.$OCTET.2 "inet 10\.201\.$OCTET\.1 peer 10\.201\.$OCTET\.2/32"
run_topology subnet 255.255.255.0 "inet 10\.201\.$OCTET\.1/24"

# A config error must leave no interface behind.
log="$WORK/bad.log"
ip netns exec "$NS_A" "$OPENVPN_BIN" --dev "$DEV" --ifconfig 10.201.$OCTET.1 999.1.1.1 \
	--remote "$ADDR_B" >"$log" 2>&1
rc=$?
if [ $rc = 1 ] && ! ip -n "$NS_A" link show "$DEV" >/dev/null 2>&1; then
	pass "bad --ifconfig: exit 1, no device ($(head -n1 "$log"))"
else
	fail "bad --ifconfig: rc=$rc, device present? log: $(cat "$log")"
fi
finish
