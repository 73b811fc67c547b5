#!/bin/sh
# Wire check by an implementation we did not write: our ovpn-dco module
# under Debian's openvpn on one end, Debian's openvpn --disable-dco
# (userspace data channel) on the other, each DCO cipher, traffic in
# both directions.
. "$(dirname "$0")/lib.sh"

require_bin "$DEB_OPENVPN"
require_pki
load_dco extra
netns_pair

for c in AES-256-GCM AES-192-GCM CHACHA20-POLY1305; do
	opts="--cipher $c --data-ciphers $c --tun-mtu 1420 --ping 2 --ping-restart 20"
	p2p_tls_up "w$c" "$DEB_OPENVPN" "$DEB_OPENVPN" "$opts" "$opts --disable-dco" || {
		fail "$c: tunnel did not come up"
		continue
	}
	check "$c: A uses DCO" has_dco_link "$NS_A" "$TUN_DEV"
	if has_dco_link "$NS_B" "$TUN_DEV"; then
		fail "$c: B should run without DCO"
	fi
	check "$c: ping B -> A" ping_ok "$NS_B" "$TUN_A"
	check "$c: ping A -> B, 1300 bytes" ping_ok "$NS_A" "$TUN_B" 1300
	check "$c: 10 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 10
	check "$c: 10 MB B -> A with equal SHA-256" transfer_ok "$NS_B" "$TUN_B" "$NS_A" 10
	check "$c: A exits on SIGTERM" stop_daemon "$PID_A"
	check "$c: B exits on SIGTERM" stop_daemon "$PID_B"
done
finish
