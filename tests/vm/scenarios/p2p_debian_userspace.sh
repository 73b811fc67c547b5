#!/bin/sh
# Control for p2p_debian_dco: the same tunnel with --disable-dco, so the
# data channel runs in userspace over a tun device.
. "$(dirname "$0")/lib.sh"

require_bin "$DEB_OPENVPN"
require_pki
netns_pair

OPTS="--cipher AES-256-GCM --data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305
	--tun-mtu 1420 --ping 2 --ping-restart 20 --disable-dco"
p2p_tls_up deb "$DEB_OPENVPN" "$DEB_OPENVPN" "$OPTS" "$OPTS" || die "tunnel did not come up"
ok "tunnel up"

for side in A B; do
	if [ "$side" = A ]; then log=$LOG_A ns=$NS_A; else log=$LOG_B ns=$NS_B; fi
	if log_has "$log" 'DCO device .* opened'; then
		fail "$side: DCO used despite --disable-dco"
	fi
	if has_dco_link "$ns"; then
		fail "$side: an ovpn-dco interface exists despite --disable-dco"
	fi
done
check "ping B -> A" ping_ok "$NS_B" "$TUN_A"
check "ping A -> B, 1300 bytes" ping_ok "$NS_A" "$TUN_B" 1300
check "20 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 20
check "A exits on SIGTERM" stop_daemon "$PID_A"
check "B exits on SIGTERM" stop_daemon "$PID_B"
finish
