#!/bin/bash
# Compression framing against Debian's openvpn 2.6 in a P2P TLS tunnel, both
# roles: compress lz4-v2 / lz4 / stub-v2 / stub, comp-lzo no, migrate (no
# framing between two peers), each with
# --allow-compression yes (real LZ4 both ways) where it compresses.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
netns_pair || { fail "namespace setup"; finish; }
"$(dirname "$0")/pki.sh" "$WORK/pki" >/dev/null || { fail "PKI generation"; finish; }
P=$WORK/pki
TUN_A=10.207.$OCTET.1
TUN_B=10.207.$OCTET.2
OURS=$OPENVPN_BIN
DEB=$DEBIAN_OPENVPN

# run LABEL BIN_SERVER BIN_CLIENT "compression options"
run() {
	local label=$1 bs=$2 bc=$3 comp=$4 ok=1 pa pb
	# shellcheck disable=SC2086
	start_in "$NS_A" "$WORK/$label.s.log" "$bs" --dev "tun$UNIQ" --remote "$ADDR_B" \
		--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$P/ca.crt" \
		--cert "$P/server.crt" --key "$P/server.key" --verb 3 $comp
	pa=$LAST_PID
	# shellcheck disable=SC2086
	start_in "$NS_B" "$WORK/$label.c.log" "$bc" --dev "tun$UNIQ" --remote "$ADDR_A" \
		--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$P/ca.crt" \
		--cert "$P/client.crt" --key "$P/client.key" --verb 3 $comp
	pb=$LAST_PID
	wait_log "$WORK/$label.s.log" 'Initialization Sequence Completed' 20 || ok=0
	wait_log "$WORK/$label.c.log" 'Initialization Sequence Completed' 20 || ok=0
	if [ $ok = 1 ]; then
		# zero-filled 1400-byte pings compress well; random ones do not
		ip netns exec "$NS_A" ping -q -c 3 -i 0.2 -W 2 -s 1400 -p 00 "$TUN_B" >/dev/null 2>&1 ||
			{ echo "  compressible ping A->B failed"; ok=0; }
		ping_ok "$NS_B" "$TUN_A" 56 || { echo "  small ping B->A failed"; ok=0; }
		ping_ok "$NS_B" "$TUN_A" 1400 || { echo "  1400-byte ping B->A failed"; ok=0; }
	fi
	# with --allow-compression yes, LZ4 must really be used in both directions
	if [ $ok = 1 ] && [[ "$comp" == *"allow-compression yes"* ]]; then
		local ours_pid=$pa ours_log=$WORK/$label.s.log
		[ "$bs" = "$OURS" ] || { ours_pid=$pb; ours_log=$WORK/$label.c.log; }
		kill -USR2 "$ours_pid"
		if wait_log "$ours_log" 'sent [1-9][0-9]* compressed.*received [1-9][0-9]* compressed' 5; then
			echo "  $(grep -o 'Compression (.*' "$ours_log" | tail -n1)"
		else
			echo "  no compressed packets both ways"
			ok=0
		fi
	fi
	stop_pid "$pa"
	stop_pid "$pb"
	if [ $ok = 1 ]; then pass "$label"; else fail "$label (logs $WORK/$label.*.log)"; fi
}

for mode in "lz4-v2:--compress lz4-v2 --allow-compression yes" \
	"lz4:--compress lz4 --allow-compression yes" \
	"lz4-v2-asym:--compress lz4-v2" \
	"stub-v2:--compress stub-v2" "stub:--compress" "comp-lzo-no:--comp-lzo no" \
	"migrate:--compress migrate"; do
	name=${mode%%:*}
	opts=${mode#*:}
	run "$name-ours-server" "$OURS" "$DEB" "$opts"
	run "$name-debian-server" "$DEB" "$OURS" "$opts"
done
finish
