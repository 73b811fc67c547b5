#!/bin/sh
# Wire check by an implementation we did not write: our ovpn-dco module
# under Debian's openvpn on one end, Debian's openvpn --disable-dco
# (userspace data channel) on the other, each DCO cipher, traffic in
# both directions; then AES-256-GCM and CHACHA20-POLY1305 again over an
# IPv6 transport.
. "$(dirname "$0")/lib.sh"

require_bin "$DEB_OPENVPN"
require_pki
load_dco extra
netns_pair

for c in AES-256-GCM AES-128-GCM AES-192-GCM CHACHA20-POLY1305; do
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
	check "$c: 5 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 5
	check "$c: 5 MB B -> A with equal SHA-256" transfer_ok "$NS_B" "$TUN_B" "$NS_A" 5
	check "$c: A exits on SIGTERM" stop_daemon "$PID_A"
	check "$c: B exits on SIGTERM" stop_daemon "$PID_B"
done

# the same over IPv6 (p2p_tls_up uses $ADDR_A/$ADDR_B as endpoints)
$IP -n "$NS_A" addr add fd99::1/64 dev "$VETH_A" nodad
$IP -n "$NS_B" addr add fd99::2/64 dev "$VETH_B" nodad
ADDR_A=fd99::1
ADDR_B=fd99::2
for c in AES-256-GCM CHACHA20-POLY1305; do
	opts="--proto udp6 --cipher $c --data-ciphers $c --tun-mtu 1420 --ping 2 --ping-restart 20"
	p2p_tls_up "w6$c" "$DEB_OPENVPN" "$DEB_OPENVPN" "$opts" "$opts --disable-dco" || {
		fail "$c over IPv6: tunnel did not come up"
		continue
	}
	check "$c over IPv6: A uses DCO" has_dco_link "$NS_A" "$TUN_DEV"
	check "$c over IPv6: the peer is an IPv6 endpoint" \
		log_has "$LOG_A" "AF_INET6.*fd99::2"
	u0=$(dev_stat "$NS_A" "$VETH_A" tx_bytes)
	check "$c over IPv6: ping B -> A" ping_ok "$NS_B" "$TUN_A"
	check "$c over IPv6: ping A -> B, 1300 bytes" ping_ok "$NS_A" "$TUN_B" 1300
	check "$c over IPv6: 5 MB A -> B with equal SHA-256" \
		transfer_ok "$NS_A" "$TUN_A" "$NS_B" 5
	check "$c over IPv6: 5 MB B -> A with equal SHA-256" \
		transfer_ok "$NS_B" "$TUN_B" "$NS_A" 5
	u1=$(dev_stat "$NS_A" "$VETH_A" tx_bytes)
	[ $((u1 - u0)) -ge $((5 * 1024 * 1024)) ] &&
		ok "$c over IPv6: A's transport sent $((u1 - u0)) bytes" ||
		fail "$c over IPv6: A's transport sent only $((u1 - u0)) bytes"
	check "$c over IPv6: A exits on SIGTERM" stop_daemon "$PID_A"
	check "$c over IPv6: B exits on SIGTERM" stop_daemon "$PID_B"
done
finish
