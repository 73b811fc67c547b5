#!/bin/sh
# Debian's openvpn 2.6 on both ends with Debian's reference ovpn-dco-v2
# module: P2P TLS over UDP, AES-256-GCM, tun-mtu 1420. Proves DCO is in
# use (log line and an ovpn-dco link), then ping and a 20 MB transfer with
# equal SHA-256 on both ends, without outer fragmentation.
. "$(dirname "$0")/lib.sh"

require_bin "$DEB_OPENVPN"
require_pki
load_dco ref
netns_pair

OPTS="--cipher AES-256-GCM --data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305
	--tun-mtu 1420 --ping 2 --ping-restart 20"
p2p_tls_up deb "$DEB_OPENVPN" "$DEB_OPENVPN" "$OPTS" "$OPTS" || die "tunnel did not come up"
ok "tunnel up"

for side in A B; do
	if [ "$side" = A ]; then log=$LOG_A ns=$NS_A; else log=$LOG_B ns=$NS_B; fi
	check "$side: log says 'DCO device $TUN_DEV opened'" log_has "$log" "DCO device $TUN_DEV opened"
	if log_has "$log" 'disabling data channel offload|Disabling data channel offload'; then
		fail "$side: openvpn disabled DCO: $(grep -Ei -m 1 'disabling data channel offload' "$log")"
	fi
	check "$side: ip -d link shows $TUN_DEV as ovpn-dco" has_dco_link "$ns" "$TUN_DEV"
done
check "data channel cipher is AES-256-GCM" log_has "$LOG_A" "Data Channel: cipher 'AES-256-GCM'"
echo "  kernel gcm(aes) driver: $(crypto_driver 'gcm(aes)')"

check "ping B -> A" ping_ok "$NS_B" "$TUN_A"
check "ping A -> B, 1300 bytes" ping_ok "$NS_A" "$TUN_B" 1300
check "20 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 20

rx=$(dev_stat "$NS_B" "$TUN_DEV" rx_bytes)
if [ "$rx" -ge $((20 * 1024 * 1024)) ]; then
	ok "B's $TUN_DEV received $rx bytes"
else
	fail "B's $TUN_DEV received only $rx bytes (traffic did not go through the DCO device)"
fi
for side in A B; do
	if [ "$side" = A ]; then ns=$NS_A; else ns=$NS_B; fi
	echo "  $side: $(frag_summary "$ns")"
	fc=$(snmp_ip "$ns" FragCreates)
	[ "$fc" = 0 ] || fail "$side: $fc outer IPv4 fragments created with tun-mtu 1420"
done

check "A exits on SIGTERM" stop_daemon "$PID_A"
check "B exits on SIGTERM" stop_daemon "$PID_B"
if has_dco_link "$NS_A" || has_dco_link "$NS_B"; then
	fail "an ovpn-dco interface survived the daemon's exit"
fi
finish
