#!/bin/bash
# --mssfix over a 1500-byte veth with the default tun-mtu 1500: TCP through
# the tunnel must create no outer IPv4 fragments (Ip: FragCreates in
# /proc/net/snmp of both namespaces), and the SYN and SYN+ACK must arrive
# with the clamped MSS. Each implementation clamps alone (the other side
# has --mssfix 0), so the value seen is the one it computed, and ours must
# equal Debian's openvpn 2.6. With --mssfix 0 on both ends the same
# transfer must fragment: that proves the test can fail.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
command -v openssl >/dev/null || skip "openssl command missing (apt-get install openssl)"
command -v tcpdump >/dev/null || skip "tcpdump missing (apt-get install tcpdump)"
# the system python starts faster than a version manager's shim
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || skip "python3 missing"
netns_pair || { fail "namespace setup"; finish; }
"$(dirname "$0")/pki.sh" "$WORK/pki" || { fail "PKI generation"; finish; }
P=$WORK/pki
TUN_A=10.207.$OCTET.1
TUN_B=10.207.$OCTET.2
OURS=$OPENVPN_BIN
DEB=$DEBIAN_OPENVPN
# AES-256-GCM, DATA_V2, UDP over IPv4: 1492 - 20 - 8 - 4 - 4 - 16 - 40
EXPECT_MSS=1400

frag_creates() { # NS
	ip netns exec "$1" awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "FragCreates") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# tcp_send FROM_NS TO_NS TO_ADDR: 4 MB over one TCP connection
tcp_send() {
	local port=$((20000 + RANDOM % 20000))
	ip netns exec "$2" "$PY" -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(20)
c, _ = s.accept(); c.settimeout(20); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
print(n)' "$3" "$port" >"$WORK/recv.out" 2>&1 &
	local srv=$! i
	# the receiver may take a while to start on a busy machine
	for ((i = 0; i < 100; i++)); do
		ip netns exec "$2" ss -Hltn "sport = :$port" | grep -q . && break
		sleep 0.1
	done
	ip netns exec "$1" "$PY" -c '
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
c.sendall(b"x" * (4 << 20)); c.close()' "$3" "$port" || echo "  client failed"
	wait "$srv"
	[ "$(cat "$WORK/recv.out")" = $((4 << 20)) ] || { echo "  received: $(cat "$WORK/recv.out")"; return 1; }
}

# syn_capture NS LOG: the first SYN or SYN+ACK that the tun in NS carries
syn_capture() {
	ip netns exec "$1" tcpdump -l -n -c 2 -i "tun$UNIQ" 'tcp[tcpflags] & tcp-syn != 0' \
		>"$2" 2>"$2.err" &
	CAP_PID=$!
	PIDS+=("$CAP_PID")
	wait_log "$2.err" 'listening on' 5 >/dev/null
}

# mss_of LOG FLAGS: the MSS option of the segment with tcpdump's flags S or S.
mss_of() {
	grep "Flags \[$2\]" "$1" | head -n 1 | sed -n 's/.*mss \([0-9]*\).*/\1/p'
}

# run_case LABEL BIN_A "A extra" BIN_B "B extra": A is the TLS server; a
# transfer A -> B then B -> A. Sets MSS_SYN (the SYN as B's tun saw it),
# MSS_SYNACK (at A's tun), FRAGS (FragCreates growth, both namespaces) and OK.
run_case() {
	local label=$1 ba=$2 xa=$3 bb=$4 xb=$5 pa pb f0a f0b
	local log_a="$WORK/$label.a.log" log_b="$WORK/$label.b.log"
	local pra=(--proto udp --remote "$ADDR_B") prb=(--proto udp)
	local ifa=(--ifconfig "$TUN_A" "$TUN_B" --tls-server) ifb=(--ifconfig "$TUN_B" "$TUN_A" --tls-client)

	[ "${PROTO:-udp}" = tcp ] && pra=(--proto tcp-server) && prb=(--proto tcp-client)
	# server mode: the client gets TUN_B, the pool's first address
	if [ "${MODE:-p2p}" = server ]; then
		pra=(--proto udp)
		ifa=(--server "${TUN_A%.1}.0" 255.255.255.0 --topology subnet)
		ifb=(--client)
	fi

	OK=1
	# shellcheck disable=SC2086
	start_in "$NS_A" "$log_a" "$ba" --dev "tun$UNIQ" "${pra[@]}" \
		"${ifa[@]}" --dh none --ca "$P/ca.crt" \
		--cert "$P/server.crt" --key "$P/server.key" --verb 4 $xa
	pa=$LAST_PID
	# shellcheck disable=SC2086
	start_in "$NS_B" "$log_b" "$bb" --dev "tun$UNIQ" "${prb[@]}" --remote "$ADDR_A" \
		"${ifb[@]}" --ca "$P/ca.crt" \
		--cert "$P/client.crt" --key "$P/client.key" --verb 4 $xb
	pb=$LAST_PID
	wait_log "$log_a" 'Initialization Sequence Completed' 20 || OK=0
	wait_log "$log_b" 'Initialization Sequence Completed' 20 || OK=0
	MSS_SYN='' MSS_SYNACK='' FRAGS=''
	if [ $OK = 1 ]; then
		syn_capture "$NS_B" "$WORK/$label.cap_b"
		syn_capture "$NS_A" "$WORK/$label.cap_a"
		f0a=$(frag_creates "$NS_A")
		f0b=$(frag_creates "$NS_B")
		tcp_send "$NS_A" "$NS_B" "$TUN_B" || { echo "  transfer A -> B failed"; OK=0; }
		tcp_send "$NS_B" "$NS_A" "$TUN_A" || { echo "  transfer B -> A failed"; OK=0; }
		FRAGS=$(( $(frag_creates "$NS_A") - f0a + $(frag_creates "$NS_B") - f0b ))
		sleep 0.3
		MSS_SYN=$(mss_of "$WORK/$label.cap_b" S)
		MSS_SYNACK=$(mss_of "$WORK/$label.cap_a" S.)
	fi
	stop_pid "$pa" || OK=0
	stop_pid "$pb" || OK=0
	echo "  $label: SYN mss ${MSS_SYN:-?}, SYN+ACK mss ${MSS_SYNACK:-?}, FragCreates +${FRAGS:-?}"
}

# clamped LABEL: the case ran, saw EXPECT_MSS both ways and no fragments
clamped() {
	if [ "$OK" = 1 ] && [ "$MSS_SYN" = "$EXPECT_MSS" ] && [ "$MSS_SYNACK" = "$EXPECT_MSS" ] &&
		[ "$FRAGS" = 0 ]; then
		pass "$1: MSS $EXPECT_MSS both ways, no fragments"
	else
		fail "$1 (logs in $WORK)"
	fi
}

run_case ours-ours "$OURS" "" "$OURS" ""
clamped "ours <-> ours, defaults"
run_case ours-clamps-a "$OURS" "" "$DEB" "--mssfix 0"
clamped "ours (server) clamps alone against Debian"
run_case ours-clamps-b "$DEB" "--mssfix 0" "$OURS" ""
clamped "ours (client) clamps alone against Debian"
run_case debian-clamps "$DEB" "" "$OURS" "--mssfix 0"
clamped "Debian clamps alone against ours: same MSS as ours"

# legacy CBC (SHA1 HMAC): ours must compute what 2.6 computes, block
# rounding included; ours clamps alone as server and as client, then Debian
CBC="--data-ciphers AES-256-CBC"
run_case cbc-ours-a "$OURS" "$CBC" "$DEB" "$CBC --mssfix 0"
cbc_a=$MSS_SYN
run_case cbc-ours-b "$DEB" "$CBC --mssfix 0" "$OURS" "$CBC"
cbc_b=$MSS_SYN
run_case cbc-debian "$DEB" "$CBC" "$OURS" "$CBC --mssfix 0"
if [ -n "$cbc_a" ] && [ "$cbc_a" = "$cbc_b" ] && [ "$MSS_SYN" = "$cbc_a" ] &&
	[ "$cbc_a" -lt "$EXPECT_MSS" ] && [ "$OK" = 1 ] && [ "$FRAGS" = 0 ]; then
	pass "AES-256-CBC: ours and Debian both clamp to $cbc_a"
else
	fail "AES-256-CBC: ours $cbc_a / $cbc_b, Debian $MSS_SYN"
fi

# a tun-mtu other than 1500 (default: "<tun-mtu> fixed", 1360) and a plain
# max (like --link-mtu, 1450 - 24 - 40 = 1386): the same value from both
for c in "1360:--tun-mtu 1400:--tun-mtu 1400" "1386:--mssfix 1450:"; do
	IFS=: read -r want xclamp xboth <<<"$c"
	# shellcheck disable=SC2086
	run_case "ours-$want" "$OURS" "$xclamp" "$DEB" "$xboth --mssfix 0"
	ours=$MSS_SYN ours_ok=$OK
	run_case "debian-$want" "$DEB" "$xclamp" "$OURS" "$xboth --mssfix 0"
	if [ "$ours_ok" = 1 ] && [ "$OK" = 1 ] && [ "$ours" = "$want" ] && [ "$MSS_SYN" = "$want" ]; then
		pass "'$xclamp': ours and Debian both clamp to $want"
	else
		fail "'$xclamp': ours $ours, Debian $MSS_SYN, expected $want"
	fi
done

# server mode: our server clamps for its client, and Debian's server the same
MODE=server
run_case server-ours "$OURS" "" "$DEB" "--mssfix 0"
clamped "our server clamps alone for a Debian client"
run_case server-debian "$DEB" "" "$OURS" "--mssfix 0"
clamped "Debian's server clamps alone for our client: same MSS"
MODE=p2p

# over TCP 2.6 clamps too (its man page says --mssfix only makes sense for
# UDP, but it still applies the default), with the TCP header and the
# 2-byte length counted: ours must agree. Nothing fragments either way.
PROTO=tcp
run_case tcp-ours "$OURS" "" "$DEB" "--mssfix 0"
tcp_ours=$MSS_SYN
run_case tcp-debian "$DEB" "" "$OURS" "--mssfix 0"
PROTO=udp
if [ -n "$tcp_ours" ] && [ "$tcp_ours" = "$MSS_SYN" ] && [ "$OK" = 1 ]; then
	pass "over TCP: ours and Debian both clamp to $tcp_ours"
else
	fail "over TCP: ours $tcp_ours, Debian $MSS_SYN"
fi

# the control: nobody clamps, so the full-size segments fragment
run_case no-clamp "$OURS" "--mssfix 0" "$DEB" "--mssfix 0"
if [ "$OK" = 1 ] && [ "${MSS_SYN:-0}" -gt "$EXPECT_MSS" ] && [ "${FRAGS:-0}" -gt 0 ]; then
	pass "--mssfix 0 on both ends: MSS $MSS_SYN, $FRAGS fragments (the test can fail)"
else
	fail "--mssfix 0 control: MSS $MSS_SYN, fragments $FRAGS"
fi

finish
