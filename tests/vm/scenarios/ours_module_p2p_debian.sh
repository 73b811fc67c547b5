#!/bin/sh
# Our ovpn-dco module driven by Debian's openvpn 2.6 on both ends: P2P TLS
# over UDP for each DCO cipher, renegotiation every 10 s. Proves DCO is in
# use (2.6's log line, an ovpn-dco link), then ping, SHA-256 checked
# transfers (with AES-256-GCM across a renegotiation), per-peer statistics
# through GET_PEER (the status file), a clean teardown with DEL_PEER
# notifications, and crypto requests taken from the module's per-cpu
# rings rather than allocated per packet.
. "$(dirname "$0")/lib.sh"

require_bin "$DEB_OPENVPN"
require_pki
load_dco extra
netns_pair

run_cipher() {
	local c=$1 opts
	opts="--cipher $c --data-ciphers $c --tun-mtu 1420 --ping 2 --ping-restart 20
		--reneg-sec 10 --hand-window 4 --tran-window 8"
	p2p_tls_up "$c" "$DEB_OPENVPN" "$DEB_OPENVPN" \
		"$opts --status $WORK/$c.status 1" "$opts" || {
		fail "$c: tunnel did not come up"
		return
	}
	ok "$c: tunnel up"
	for side in A B; do
		if [ "$side" = A ]; then log=$LOG_A ns=$NS_A; else log=$LOG_B ns=$NS_B; fi
		check "$c $side: log says 'DCO device $TUN_DEV opened'" \
			log_has "$log" "DCO device $TUN_DEV opened"
		if log_has "$log" '[Dd]isabling data channel offload'; then
			fail "$c $side: openvpn disabled DCO"
		fi
		check "$c $side: ip -d link shows $TUN_DEV as ovpn-dco" \
			has_dco_link "$ns" "$TUN_DEV"
	done
	check "$c: data channel cipher" log_has "$LOG_A" "Data Channel: cipher '$c'"
	check "$c: ping B -> A" ping_ok "$NS_B" "$TUN_A"
	check "$c: ping A -> B, 1300 bytes" ping_ok "$NS_A" "$TUN_B" 1300
	check "$c: 20 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 20
	if [ "$c" = AES-256-GCM ]; then
		# renegotiation (one cipher is enough): new key in the
		# secondary slot, swap, delete old
		sleep 14
		n=$(grep -c 'Control Channel: ' "$LOG_A")
		[ "$n" -ge 2 ] && ok "$c: renegotiated ($n TLS sessions)" ||
			fail "$c: no renegotiation seen ($n TLS sessions)"
		check "$c: old key retired (SWAP_KEYS, DEL_KEY)" \
			log_has "$LOG_A" 'killed expiring key'
		check "$c: ping B -> A after renegotiation" ping_ok "$NS_B" "$TUN_A"
	fi
	check "$c: 5 MB B -> A" transfer_ok "$NS_B" "$TUN_B" "$NS_A" 5
	if [ -f "$WORK/$c.status" ] &&
		grep -Eq '^TUN/TAP read bytes,[1-9]' "$WORK/$c.status"; then
		ok "$c: GET_PEER statistics reach the status file"
	else
		fail "$c: no GET_PEER statistics in the status file"
		cat "$WORK/$c.status" 2>/dev/null
	fi
	rx=$(dev_stat "$NS_B" "$TUN_DEV" rx_bytes)
	[ "$rx" -ge $((20 * 1024 * 1024)) ] && ok "$c: B's $TUN_DEV received $rx bytes" ||
		fail "$c: B's $TUN_DEV received only $rx bytes"
	fc=$(snmp_ip "$NS_A" FragCreates)
	[ "$fc" = 0 ] || fail "$c: $fc outer IPv4 fragments with tun-mtu 1420"
	check "$c: A exits on SIGTERM" stop_daemon "$PID_A"
	check "$c: B exits on SIGTERM" stop_daemon "$PID_B"
	if has_dco_link "$NS_A" || has_dco_link "$NS_B"; then
		fail "$c: an ovpn-dco interface survived the daemon's exit"
	fi
}

run_cipher AES-256-GCM
run_cipher CHACHA20-POLY1305
run_cipher AES-128-GCM

# the crypto requests of all three ciphers (AES-GCM asynchronous through
# the SIMD wrapper on x86) came from the per-cpu rings, not the allocator;
# the module reports the counts when it is unloaded
drv=$(crypto_driver 'gcm(aes)')
echo "  kernel gcm(aes) driver: $drv ($(awk -v d="$drv" '$1 == "driver" { x = ($3 == d) } x && $1 == "async" { print "async " $3; exit }' /proc/crypto))"
unload_dco || fail "cannot unload our module"
line=$(dmesg | grep 'ovpn-dco: crypto requests:' | tail -n 1)
echo "  $line"
ring=$(echo "$line" | sed -n 's/.*requests: \([0-9]*\) from.*/\1/p')
alloc=$(echo "$line" | sed -n 's/.*rings, \([0-9]*\) allocated.*/\1/p')
if [ -n "$ring" ] && [ "$ring" -gt 0 ] && [ $((alloc * 100)) -le "$ring" ]; then
	ok "crypto requests: $ring from the per-cpu rings, $alloc allocated"
else
	fail "crypto requests not served by the rings: '$line'"
fi
finish
