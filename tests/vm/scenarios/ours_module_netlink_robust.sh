#!/bin/sh
# Robustness of our module's netlink interface: ovpn_nl_probe (built from
# tests/vm/tools/ovpn_nl_probe.c, shipped with EXTRA_BINS) sends missing
# attributes, wrong lengths, unknown peers and key slots, bad descriptors,
# non-UDP sockets, repeated commands and 200 add/key/delete rounds, then
# commands for a deleted interface; every answer must be the expected
# errno and the kernel log must stay clean. The same probe runs against
# the reference module for comparison (informational).
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
finish
