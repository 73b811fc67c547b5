#!/bin/bash
# Compression in client/server mode against Debian's openvpn 2.6, both
# roles, from Debian's sample server.conf / client.conf: compress lz4-v2 and
# lz4 pushed by the server (LZ4 really used both ways), comp-lzo no, and
# compress migrate with clients configured for comp-lzo or compress lz4.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
require_debian_samples
netns_star 1 || { fail "namespace setup"; finish; }
C0=${STAR_NS[0]}
OURS=$OPENVPN_BIN
DEB=$DEBIAN_OPENVPN

# conf FILE SAMPLE "line\nline..." : the sample with our addresses and files
conf() {
	sed -e "s|^ifconfig-pool-persist .*||" -e "s|^status .*||" \
		-e "s|^remote my-server-1 1194|remote $ADDR_A 1194|" \
		"$EX/sample-config-files/$2" >"$1"
	printf '\n%b\nverb 3\n' "$3" >>"$1"
}

# A Debian client's SIGUSR2 statistics: "pre-compress bytes,N" and so on
deb_stat() {
	grep -o "$2 bytes,[0-9]*" "$1" | tail -n1 | cut -d, -f2
}

# run LABEL SERVER_BIN CLIENT_BIN "server lines" "client lines" SERVER_RE CLIENT_RE [lz4]
# SERVER_RE / CLIENT_RE: what each side's log must show about the framing.
run() {
	local label=$1 bs=$2 bc=$3 sl=$4 cl=$5 sre=$6 cre=$7 lz4=${8:-} ok=1 ps pc
	local slog=$WORK/$label.s.log clog=$WORK/$label.c.log
	conf "$WORK/$label.s.conf" server.conf "$sl"
	conf "$WORK/$label.c.conf" client.conf "$cl"
	start_in "$NS_A" "$slog" "$bs" --cd "$KEYS" --config "$WORK/$label.s.conf"
	ps=$LAST_PID
	wait_log "$slog" 'Initialization Sequence Completed' 15 || ok=0
	start_in "$C0" "$clog" "$bc" --cd "$KEYS" --config "$WORK/$label.c.conf"
	pc=$LAST_PID
	wait_log "$clog" 'Initialization Sequence Completed' 20 || ok=0
	if [ $ok = 1 ]; then
		# zero-filled pings compress well
		ip netns exec "$C0" ping -q -c 3 -i 0.2 -W 2 -s 1400 -p 00 10.8.0.1 >/dev/null 2>&1 ||
			{ echo "  compressible ping client->server failed"; ok=0; }
		ping_ok "$NS_A" 10.8.0.2 56 || { echo "  small ping server->client failed"; ok=0; }
		ping_ok "$NS_A" 10.8.0.2 1400 || { echo "  1400-byte ping server->client failed"; ok=0; }
	fi
	[ $ok = 1 ] && { grep -Eq -- "$sre" "$slog" || { echo "  server log lacks /$sre/"; ok=0; }; }
	[ $ok = 1 ] && { grep -Eq -- "$cre" "$clog" || { echo "  client log lacks /$cre/"; ok=0; }; }
	if [ $ok = 1 ] && [ -n "$lz4" ] && [ "$bs" = "$OURS" ]; then
		# LZ4 both ways, from the Debian client's counters
		local a b c d
		kill -USR2 "$pc"
		if wait_log "$clog" 'post-decompress bytes' 5; then
			a=$(deb_stat "$clog" pre-compress) b=$(deb_stat "$clog" post-compress)
			c=$(deb_stat "$clog" pre-decompress) d=$(deb_stat "$clog" post-decompress)
			echo "  Debian client: compress $a -> $b bytes, decompress $c -> $d bytes"
			[ "${b:-0}" -gt 0 ] && [ "$b" -lt "$a" ] && [ "${c:-0}" -gt 0 ] && [ "$c" -lt "$d" ] ||
				{ echo "  LZ4 not used in both directions"; ok=0; }
		else
			ok=0
		fi
	elif [ $ok = 1 ] && [ -n "$lz4" ]; then
		# our client counts packets (a Debian server prints no such totals)
		kill -USR2 "$pc"
		if wait_log "$clog" 'sent [1-9][0-9]* compressed.*received [1-9][0-9]* compressed' 5; then
			echo "  our client: $(grep -o 'Compression (.*' "$clog" | tail -n1)"
		else
			echo "  LZ4 not used in both directions"
			ok=0
		fi
	fi
	stop_pid "$pc"
	stop_pid "$ps"
	if [ $ok = 1 ]; then pass "$label"; else fail "$label (logs $WORK/$label.*.log)"; fi
}

YES='allow-compression yes'
for role in ours-server debian-server; do
	if [ $role = ours-server ]; then S=$OURS C=$DEB; else S=$DEB C=$OURS; fi
	# What each side logs about the framing it uses.
	if [ $role = ours-server ]; then
		s_lz4v2='compression framing: compress lz4-v2' s_lz4='compression framing: compress lz4$'
		s_stub='compression framing: comp-lzo no'
		s_mig="pushing 'compress stub-v2'" s_none='Initialization Sequence Completed'
		c_lz4v2="compression: 'lz4v2'" c_lz4="compression: 'lz4'" c_stub="compression: 'stub'"
		c_mig="compression: 'stubv2'"
	else
		s_lz4v2="compression: 'lz4v2'" s_lz4="compression: 'lz4'" s_stub="compression: 'stub'"
		s_mig="PUSH_REPLY.*compress stub-v2" s_none='Initialization Sequence Completed'
		c_lz4v2='framing from the server: compress lz4-v2' c_lz4='framing from the server: compress lz4$'
		c_stub='framing from the server: comp-lzo no'
		c_mig='framing from the server: compress stub-v2'
	fi
	run "$role-lz4-v2" "$S" "$C" "compress lz4-v2\npush \"compress lz4-v2\"\n$YES" "$YES" \
		"$s_lz4v2" "$c_lz4v2" lz4
	run "$role-lz4" "$S" "$C" "compress lz4\npush \"compress lz4\"\n$YES" "$YES" \
		"$s_lz4" "$c_lz4" lz4
	run "$role-comp-lzo-no" "$S" "$C" "comp-lzo no\npush \"comp-lzo no\"" "" "$s_stub" "$c_stub"
	# migrate: clients configured to compress are told to stop
	run "$role-migrate-comp-lzo" "$S" "$C" "compress migrate" "comp-lzo" "$s_mig" "$c_mig"
	run "$role-migrate-lz4" "$S" "$C" "compress migrate" "compress lz4" "$s_mig" "$c_mig"
	run "$role-migrate-none" "$S" "$C" "compress migrate" "" "$s_none" 'Initialization Sequence Completed'
	if grep -q 'compress stub-v2' "$WORK/$role-migrate-none.c.log"; then
		fail "$role-migrate-none: stub-v2 pushed to a client without compression"
	fi
done

# Per client, from a client-config-dir file: framing for one client, and a
# client refused when its file asks for compression --allow-compression no
# forbids (2.6: "client has been rejected due to invalid compression options").
mkdir -p "$WORK/ccd-stub" "$WORK/ccd-lz4"
printf 'comp-lzo no\npush "comp-lzo no"\n' >"$WORK/ccd-stub/Test-Client"
printf 'compress lz4-v2\n' >"$WORK/ccd-lz4/Test-Client"
run ours-server-ccd-comp-lzo-no "$OURS" "$DEB" "client-config-dir $WORK/ccd-stub" "" \
	'compression framing: comp-lzo no' "compression: 'stub'"
conf "$WORK/ccd-refuse.s.conf" server.conf "client-config-dir $WORK/ccd-lz4\nallow-compression no"
conf "$WORK/ccd-refuse.c.conf" client.conf "compress lz4-v2"
start_in "$NS_A" "$WORK/ccd-refuse.s.log" "$OURS" --cd "$KEYS" --config "$WORK/ccd-refuse.s.conf"
ps=$LAST_PID
start_in "$C0" "$WORK/ccd-refuse.c.log" "$DEB" --cd "$KEYS" --config "$WORK/ccd-refuse.c.conf"
pc=$LAST_PID
if wait_log "$WORK/ccd-refuse.c.log" 'AUTH_FAILED' 20 &&
	grep -q 'not allowed by --allow-compression no' "$WORK/ccd-refuse.s.log"; then
	pass "ours-server-ccd-refused: ccd compression against --allow-compression no gives AUTH_FAILED"
else
	fail "ours-server-ccd-refused (logs $WORK/ccd-refuse.*.log)"
fi
stop_pid "$pc"
stop_pid "$ps"
finish
