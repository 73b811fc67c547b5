#!/bin/sh
# Throughput in one boot: Debian's openvpn 2.6 P2P over Debian's reference
# ovpn-dco-v2 module and over ours (AES-256-GCM, default tun-mtu 1500 on a
# 1500-byte path), and the kernel's WireGuard (MTU 1420) when wg is in the
# initramfs. iperf3, one and four streams, 10 s each; outer IPv4 fragments
# (FragCreates on the sender) are counted per run. Passes when ours sent
# no outer fragments; the numbers are printed as BENCH lines.
. "$(dirname "$0")/lib.sh"

require_bin "$DEB_OPENVPN"
require_bin /usr/bin/iperf3
require_pki
netns_pair
SECS=${BENCH_SECS:-10}

# run LABEL: iperf3 from B to A's $1 address, prints a BENCH line
run() {
	local label=$1 dst=$2 f0 f1 m1 m4
	f0=$(snmp_ip "$NS_B" FragCreates)
	m1=$(iperf_mbps "$NS_A" "$dst" "$NS_B" "$SECS") || m1=0
	m4=$(iperf_mbps "$NS_A" "$dst" "$NS_B" "$SECS" "-P 4") || m4=0
	f1=$(snmp_ip "$NS_B" FragCreates)
	echo "BENCH $label: 1 stream $m1 Mbit/s, 4 streams $m4 Mbit/s, outer fragments $((f1 - f0))"
	LAST_FRAGS=$((f1 - f0))
}

dco_run() {
	local which=$1 opts
	load_dco "$which"
	opts="--cipher AES-256-GCM --data-ciphers AES-256-GCM --ping 2 --ping-restart 20"
	p2p_tls_up "$which" "$DEB_OPENVPN" "$DEB_OPENVPN" "$opts" "$opts" ||
		die "$which: tunnel did not come up"
	run "dco-$which (tun-mtu 1500)" "$TUN_A"
	stop_daemon "$PID_A"
	stop_daemon "$PID_B"
}

dco_run ref
dco_run extra
[ "$LAST_FRAGS" = 0 ] && ok "our module: no outer fragments with tun-mtu 1500" ||
	fail "our module: $LAST_FRAGS outer fragments with tun-mtu 1500"
unload_dco || fail "cannot unload our module"

if [ -x /usr/bin/wg ] && $MODPROBE wireguard 2>/dev/null; then
	for s in a b; do
		in_ns "$NS_A" /usr/bin/wg genkey >"$WORK/wg-$s.key"
		/usr/bin/wg pubkey <"$WORK/wg-$s.key" >"$WORK/wg-$s.pub"
	done
	for s in a b; do
		if [ $s = a ]; then ns=$NS_A o=b me=1 ep=$ADDR_B; else ns=$NS_B o=a me=2 ep=$ADDR_A; fi
		$IP -n "$ns" link add wg0 type wireguard
		in_ns "$ns" /usr/bin/wg set wg0 listen-port 51820 private-key "$WORK/wg-$s.key" \
			peer "$(cat "$WORK/wg-$o.pub")" endpoint "$ep:51820" allowed-ips 10.95.0.0/24
		$IP -n "$ns" addr add "10.95.0.$me/24" dev wg0
		$IP -n "$ns" link set wg0 mtu 1420 up
	done
	if ping_ok "$NS_B" 10.95.0.1; then
		run "wireguard (mtu 1420)" 10.95.0.1
	else
		fail "wireguard tunnel does not pass traffic"
	fi
	$IP -n "$NS_A" link del wg0
	$IP -n "$NS_B" link del wg0
else
	echo "  wireguard: wg or the wireguard module missing, not measured"
fi
finish
