#!/bin/sh
# Robustness of our module's netlink interface: ovpn_nl_probe (built from
# tests/vm/tools/ovpn_nl_probe.c, shipped with EXTRA_BINS) sends missing
# attributes, wrong lengths, unknown peers and key slots, bad descriptors,
# non-UDP sockets, repeated commands and 200 add/key/delete rounds, then
# commands for a deleted interface; every answer must be the expected
# errno and the kernel log must stay clean. The same probe runs against
# the reference module for comparison (informational). Then a TCP peer is
# released while control records wait unread in the module: they must be
# dropped and counted, and the socket must be plain TCP again.
. "$(dirname "$0")/lib.sh"

PROBE=/usr/local/bin/ovpn_nl_probe
require_bin "$PROBE"
netns_pair

probe() {
	$IP -n "$NS_A" link add ovr0 type ovpn-dco || return 1
	ifx=$(in_ns "$NS_A" cat /sys/class/net/ovr0/ifindex)
	in_ns "$NS_A" "$PROBE" ovr0 >"$WORK/probe-$1.out" 2>&1
	rc=$?
	$IP -n "$NS_A" link del ovr0
	in_ns "$NS_A" "$PROBE" - gone "$ifx" >>"$WORK/probe-$1.out" 2>&1 || rc=1
	sed "s/^/  $1: /" "$WORK/probe-$1.out"
	return $rc
}

if [ -n "$(dco_module_path ref)" ]; then
	load_dco ref
	probe ref || echo "  (reference module answers differ: informational only)"
fi
load_dco extra
check "our module answers every malformed request as expected" probe extra

$IP -n "$NS_A" link add ovt0 type ovpn-dco || die "cannot create ovt0"
drop0=$(dev_stat "$NS_A" ovt0 rx_dropped)
in_ns "$NS_A" "$PROBE" ovt0 tcp-release >"$WORK/tcp-release.out" 2>&1
rc=$?
sed 's/^/  tcp-release: /' "$WORK/tcp-release.out"
[ "$rc" = 0 ] && ok "TCP peer released with unread records; socket back to plain TCP" ||
	fail "TCP release probe"
drop1=$(dev_stat "$NS_A" ovt0 rx_dropped)
# two whole records and the partly parsed one
[ $((drop1 - drop0)) -eq 3 ] && ok "3 unread control records counted as dropped" ||
	fail "$((drop1 - drop0)) records counted as dropped, expected 3"
check "kernel log names the dropped records" \
	sh -c "dmesg | grep -q 'peer 1 released with 3 unread control record'"
$IP -n "$NS_A" link del ovt0
unload_dco || fail "cannot unload our module"
finish
