#!/bin/sh
# DATA_V2 packets with the undefined peer id (0xFFFFFF) in MP mode belong
# to the peer at their outer source address. No daemon: ovpn_nl_probe
# sets up, in A, an MP interface with peer 5 at B's 10.99.0.2:1194 and,
# in B, two P2P interfaces whose peers have the id 0xFFFFFF, so that
# everything B sends carries the undefined id: one from 10.99.0.2:1194
# (the address of peer 5), one from 10.99.0.2:1195 (nobody's). Both ping
# A across their tunnel. A must decrypt and answer the first (its
# answers carry id 5, which B's P2P peer does not take, so the pings
# themselves fail) and drop the second. Then a third P2P interface in B
# sends with peer 5's own id from 10.99.0.2:1196: peer 5 floats there
# (pings now succeed end to end), and the undefined id from its old
# address is no longer taken as peer 5's.
. "$(dirname "$0")/lib.sh"

PROBE=/usr/local/bin/ovpn_nl_probe
require_bin "$PROBE"
load_dco extra
netns_pair

# no IPv6 chatter (router solicitations, MLD) on the tunnels to disturb
# the counters
for ns in "$NS_A" "$NS_B"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
in_ns "$NS_A" "$PROBE" - newlink ova mp || die "cannot create the MP interface"
in_ns "$NS_B" "$PROBE" - newlink ovb p2p || die "cannot create a P2P interface"
in_ns "$NS_B" "$PROBE" - newlink ovx p2p || die "cannot create a P2P interface"
in_ns "$NS_B" "$PROBE" - newlink ovy p2p || die "cannot create a P2P interface"
in_ns "$NS_A" "$PROBE" ova udp-peer 5 "$ADDR_A" 1194 "$ADDR_B" 1194 10.97.0.2 ||
	die "cannot add peer 5 in A"
in_ns "$NS_B" "$PROBE" ovb udp-peer 0xffffff "$ADDR_B" 1194 "$ADDR_A" 1194 ||
	die "cannot add the peer of ovb"
in_ns "$NS_B" "$PROBE" ovx udp-peer 0xffffff "$ADDR_B" 1195 "$ADDR_A" 1194 ||
	die "cannot add the peer of ovx"
in_ns "$NS_B" "$PROBE" ovy udp-peer 5 "$ADDR_B" 1196 "$ADDR_A" 1194 ||
	die "cannot add the peer of ovy"
$IP -n "$NS_A" addr add 10.97.0.1/24 dev ova
$IP -n "$NS_B" addr add 10.97.0.2/24 dev ovb
$IP -n "$NS_B" addr add 10.97.1.2/24 dev ovx
for d in ova; do $IP -n "$NS_A" link set "$d" up; done
for d in ovb ovx ovy; do $IP -n "$NS_B" link set "$d" up; done

rx0=$(dev_stat "$NS_A" ova rx_packets)
tx0=$(dev_stat "$NS_A" ova tx_packets)
drop0=$(dev_stat "$NS_A" ova rx_dropped)
ping_ok "$NS_B" 10.97.0.1 56 5 || true
rx1=$(dev_stat "$NS_A" ova rx_packets)
tx1=$(dev_stat "$NS_A" ova tx_packets)
drop1=$(dev_stat "$NS_A" ova rx_dropped)
echo "  A after B's pings from peer 5's address: rx $((rx1 - rx0)) tx $((tx1 - tx0)) dropped $((drop1 - drop0))"
[ $((rx1 - rx0)) -ge 5 ] && ok "A took B's packets with the undefined id as peer 5's" ||
	fail "A delivered $((rx1 - rx0)) of 5 packets with the undefined id"
[ $((tx1 - tx0)) -ge 5 ] && ok "A answered them through peer 5" ||
	fail "A sent $((tx1 - tx0)) answers"
[ "$drop1" -eq "$drop0" ] && ok "A dropped none of them" ||
	fail "A dropped $((drop1 - drop0)) packets"

# the same id from an address no peer has: dropped, not delivered
$IP -n "$NS_B" route add 10.97.0.1/32 dev ovx metric 1
ping_ok "$NS_B" 10.97.0.1 56 3 || true
rx2=$(dev_stat "$NS_A" ova rx_packets)
drop2=$(dev_stat "$NS_A" ova rx_dropped)
echo "  A after pings from an unknown port: rx $((rx2 - rx1)) dropped $((drop2 - drop1))"
[ "$rx2" -eq "$rx1" ] && ok "nothing delivered from an address without a peer" ||
	fail "A delivered $((rx2 - rx1)) packets from an address without a peer"
[ $((drop2 - drop1)) -ge 3 ] && ok "A counted them as dropped" ||
	fail "A dropped only $((drop2 - drop1)) packets"

$IP -n "$NS_B" route del 10.97.0.1/32 dev ovx

# peer 5's id from another port: authenticated, so peer 5 floats there.
# All of B's peers share one key, so A's replay window already holds the
# packet ids 1-5 of ovb's pings: ovy's first 5 packets are replays (and
# dropped), the later ones are new.
$IP -n "$NS_B" route add 10.97.0.1/32 dev ovy src 10.97.0.2
if ping_ok "$NS_B" 10.97.0.1 56 10; then
	ok "ping through ovy (peer 5's id from port 1196): A answers there"
else
	fail "ping through ovy (peer 5's id from port 1196): A answers there"
	for d in ovb ovy; do $IP -n "$NS_B" -s link show "$d"; done
	$IP -n "$NS_A" -s link show ova
fi
$IP -n "$NS_B" route del 10.97.0.1/32 dev ovy
rx3=$(dev_stat "$NS_A" ova rx_packets)
drop3=$(dev_stat "$NS_A" ova rx_dropped)
ping_ok "$NS_B" 10.97.0.1 56 3 || true
rx4=$(dev_stat "$NS_A" ova rx_packets)
drop4=$(dev_stat "$NS_A" ova rx_dropped)
echo "  A after undefined-id pings from peer 5's old address: rx $((rx4 - rx3)) dropped $((drop4 - drop3))"
[ "$rx4" -eq "$rx3" ] && [ $((drop4 - drop3)) -ge 3 ] &&
	ok "after the float the old address no longer finds peer 5" ||
	fail "A still takes the undefined id from peer 5's old address"

$IP -n "$NS_A" link del ova
for d in ovb ovx ovy; do $IP -n "$NS_B" link del "$d"; done
unload_dco || fail "cannot unload our module"
finish
