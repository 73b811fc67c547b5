#!/bin/sh
# Our daemon with data channel offload on Debian's reference ovpn-dco-v2
# module: P2P TLS over UDP, first against Debian's openvpn 2.6 (ours as TLS
# server and as TLS client), then ours on both ends, then against Debian's
# openvpn --disable-dco (its userspace data path checks what our kernel
# side puts on the wire). Each time: the logs
# prove DCO (device opened, data channel handed to the kernel), the
# interface is of kind ovpn-dco, ping and a SHA-256-checked transfer work,
# the bytes went through the ovpn-dco device and not through our userspace
# data path, and the interface is gone after exit.
. "$(dirname "$0")/lib.sh"

require_ours
require_bin "$DEB_OPENVPN"
require_pki
load_dco ref
netns_pair

OPTS="--data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305 --tun-mtu 1420
	--ping 2 --ping-restart 20"

# proves_dco SIDE LOG NS OURS(0|1)
proves_dco() {
	local side=$1 log=$2 ns=$3 ours=$4
	check "$side: log says 'DCO device $TUN_DEV opened'" log_has "$log" "DCO device $TUN_DEV opened"
	if [ "$ours" = 1 ]; then
		check "$side: our log says the data channel is offloaded" \
			log_has "$log" "DCO: data channel offloaded to $TUN_DEV \(ovpn-dco-v2\): peer-id"
		if log_has "$log" "falling back to the userspace data path|Kernel support for ovpn-dco missing"; then
			fail "$side: fell back: $(grep -E -m 1 'falling back|missing' "$log")"
		fi
	fi
	check "$side: ip -d link shows $TUN_DEV as ovpn-dco" has_dco_link "$ns" "$TUN_DEV"
}

# ours_userspace_idle LOG: SIGUSR2 statistics of our daemon show no data
# bytes on the userspace path (tun read/write stay 0) and the kernel's
# per-peer counters are non-zero
ours_userspace_idle() {
	local log=$1 pid=$2
	kill -USR2 "$pid"
	wait_log "$log" "^.*DCO peer-id [0-9]+: VPN rx [1-9]" 10 || return 1
	log_has "$log" "TUN/TAP read bytes,0$" && log_has "$log" "TUN/TAP write bytes,0$"
}

# run LABEL BIN_A BIN_B OURS_A OURS_B MB [B_EXTRA]: B_EXTRA "--disable-dco"
# makes B a userspace peer (Debian's openvpn then checks our wire format)
run() {
	local label=$1 ba=$2 bb=$3 oa=$4 ob=$5 mb=$6 xb=${7:-} rx
	p2p_tls_up "$label" "$ba" "$bb" "$OPTS" "$OPTS $xb" || { fail "$label: tunnel did not come up"; return; }
	ok "$label: tunnel up"
	proves_dco "$label A" "$LOG_A" "$NS_A" "$oa"
	if [ -z "$xb" ]; then
		proves_dco "$label B" "$LOG_B" "$NS_B" "$ob"
	elif has_dco_link "$NS_B" || log_has "$LOG_B" "DCO device .* opened"; then
		fail "$label B: uses DCO despite $xb"
	else
		ok "$label B: userspace data path ($xb)"
	fi
	check "$label: ping B -> A" ping_ok "$NS_B" "$TUN_A"
	check "$label: ping A -> B, 1300 bytes" ping_ok "$NS_A" "$TUN_B" 1300
	check "$label: $mb MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" "$mb"
	check "$label: 5 MB B -> A with equal SHA-256" transfer_ok "$NS_B" "$TUN_B" "$NS_A" 5
	rx=$(dev_stat "$NS_A" "$TUN_DEV" tx_bytes)
	if [ "$rx" -ge $((mb * 1024 * 1024)) ]; then
		ok "$label: A's $TUN_DEV sent $rx bytes"
	else
		fail "$label: A's $TUN_DEV sent only $rx bytes"
	fi
	[ "$oa" = 1 ] && check "$label A: our userspace data path stayed idle" ours_userspace_idle "$LOG_A" "$PID_A"
	[ "$ob" = 1 ] && [ -z "$xb" ] && check "$label B: our userspace data path stayed idle" ours_userspace_idle "$LOG_B" "$PID_B"
	check "$label: A exits on SIGTERM" stop_daemon "$PID_A"
	check "$label: B exits on SIGTERM" stop_daemon "$PID_B"
	[ "$oa" = 1 ] && check "$label A: interface closed" log_has "$LOG_A" "Closing DCO interface $TUN_DEV"
	if has_dco_link "$NS_A" || has_dco_link "$NS_B"; then
		fail "$label: an ovpn-dco interface survived the daemons' exit"
		$IP -n "$NS_A" link del "$TUN_DEV" 2>/dev/null || true
		$IP -n "$NS_B" link del "$TUN_DEV" 2>/dev/null || true
	fi
}

run ours-deb "$OURS_BIN" "$DEB_OPENVPN" 1 0 50
run deb-ours "$DEB_OPENVPN" "$OURS_BIN" 0 1 10
run ours-ours "$OURS_BIN" "$OURS_BIN" 1 1 10
run ours-debuser "$OURS_BIN" "$DEB_OPENVPN" 1 0 50 --disable-dco
finish
