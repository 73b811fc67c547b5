#!/bin/sh
# Daemon against daemon, in one boot (run by bench/vm_dco_daemons; as a
# *_bench scenario it only runs when named): iperf3 through a P2P TLS
# tunnel (UDP, AES-256-GCM, the same options everywhere) for
#   deb-user  Debian's openvpn --disable-dco on both ends
#   ours-user our daemon --disable-dco on both ends
#   deb-dco   Debian's openvpn on Debian's reference ovpn-dco-v2 module
#   ours-dco  our daemon on the same module
# tun-mtu 1448 = 1500 - 52 (IPv4 20 + UDP 8 + DATA_V2 4 + packet id 4 +
# tag 16): no outer fragmentation, which the fragment counters confirm.
# Each configuration runs BENCH_ROUNDS times, interleaved, so that a slow
# phase of the emulator (or a busy host) does not hit one configuration
# only; the median is reported. The CPU time both daemons used during the
# iperf3 runs is summed too (with DCO it should be near zero). Prints
#   BENCH <label>: <median> Mbit/s (runs a b ...), daemon CPU X s, outer fragments N
# and fails only when a tunnel does not come up or is on the wrong path.
. "$(dirname "$0")/lib.sh"

require_ours
require_bin "$DEB_OPENVPN"
require_bin /usr/bin/iperf3
require_pki
[ -n "$(dco_module_path ref)" ] || skip "no reference DCO module in the initramfs"
netns_pair

SECS=${BENCH_SECS:-10}
ROUNDS=${BENCH_ROUNDS:-3}
MTU=${BENCH_TUN_MTU:-1448}
OPTS="--cipher AES-256-GCM --data-ciphers AES-256-GCM --tun-mtu $MTU --ping 2 --ping-restart 30"
LABELS="deb-user ours-user deb-dco ours-dco"

# cpu_ticks PID...: user + system clock ticks used so far by the PIDs
cpu_ticks() {
	local pid t=0 st
	for pid in "$@"; do
		st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
		# fields after the command: state is 1, utime 12, stime 13
		t=$((t + $(echo "$st" | awk '{ print $12 + $13 }')))
	done
	echo "$t"
}

# one LABEL ROUND: bring the tunnel up, prove the data path, measure
one() {
	local label=$1 round=$2 bin x f0 f1 m c0 c1 v
	case $label in
	deb-*) bin=$DEB_OPENVPN ;;
	*) bin=$OURS_BIN ;;
	esac
	case $label in
	*-user) x="--disable-dco" ;;
	*) x="" ;;
	esac
	p2p_tls_up "$label-$round" "$bin" "$bin" "$OPTS $x" "$OPTS $x" ||
		{ fail "$label: tunnel did not come up"; stop_daemon "$PID_A"; stop_daemon "$PID_B"; return 0; }
	if [ -z "$x" ]; then
		if ! has_dco_link "$NS_A" "$TUN_DEV" || ! has_dco_link "$NS_B" "$TUN_DEV"; then
			fail "$label: no ovpn-dco device on both ends"
		fi
	elif has_dco_link "$NS_A" || has_dco_link "$NS_B"; then
		fail "$label: an ovpn-dco device exists"
	fi
	ping_ok "$NS_B" "$TUN_A" || fail "$label: no ping through the tunnel"
	f0=$(( $(snmp_ip "$NS_A" FragCreates) + $(snmp_ip "$NS_B" FragCreates) ))
	c0=$(cpu_ticks "$PID_A" "$PID_B")
	m=$(iperf_mbps "$NS_A" "$TUN_A" "$NS_B" "$SECS") || { fail "$label: iperf3 failed"; m=0; }
	c1=$(cpu_ticks "$PID_A" "$PID_B")
	f1=$(( $(snmp_ip "$NS_A" FragCreates) + $(snmp_ip "$NS_B" FragCreates) ))
	echo "  $label round $round: $m Mbit/s, daemon CPU $((c1 - c0)) ticks, outer fragments $((f1 - f0))"
	v=$(echo "$label" | tr - _)
	eval "R_$v=\"\${R_$v:-} $m\""
	eval "F_$v=\$(( \${F_$v:-0} + f1 - f0 ))"
	eval "C_$v=\$(( \${C_$v:-0} + c1 - c0 ))"
	stop_daemon "$PID_A" || true
	stop_daemon "$PID_B" || true
}

r=1
while [ "$r" -le "$ROUNDS" ]; do
	for l in $LABELS; do
		case $l in
		*-dco) [ -d "/sys/module/${DCO_MODULE:-none}" ] || load_dco ref ;;
		esac
		one "$l" "$r"
	done
	r=$((r + 1))
done
unload_dco || fail "cannot unload the reference module"

for l in $LABELS; do
	v=$(echo "$l" | tr - _)
	runs="" fr=0 ct=0
	eval "runs=\${R_$v:-}; fr=\${F_$v:-0}; ct=\${C_$v:-0}"
	med=$(echo "$runs" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 }
		END { if (!NR) print 0; else if (NR % 2) print a[(NR + 1) / 2];
		      else printf "%.1f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
	echo "BENCH $l: $med Mbit/s (runs$runs), daemon CPU $(awk -v t="$ct" -v h="$(getconf CLK_TCK 2>/dev/null || echo 100)" 'BEGIN { printf "%.1f", t / h }') s, outer fragments $fr"
	[ "$fr" = 0 ] || echo "  note: $l fragmented outer packets; its number is not comparable"
done
finish
