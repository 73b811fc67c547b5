#!/bin/sh
# MTU diagnostics with data channel offload on Debian's reference module
# (which does not clamp TCP MSS): ours on both ends, P2P TLS over UDP on a
# 1500-byte veth, AES-256-GCM.
#  1. tun-mtu 1500: each side warns exactly once, with the numbers
#     (1500 + 52 = 1552 > 1500) and the tun-mtu that fits (1448); a
#     full-size ping and a TCP transfer really make outer IPv4 fragments.
#  2. tun-mtu 1400: no warning.
#  3. the suggested tun-mtu: no warning, a full-size ping and a TCP
#     transfer make no outer fragments (FragCreates stays 0 on both sides).
#  4. server mode, tun-mtu 1500: the server warns for the client (its name
#     first), our client warns too.
#  5. on our module (which clamps TCP MSS and says so in sysfs), tun-mtu
#     1500: only a note that non-TCP packets may fragment, and a TCP
#     transfer makes no outer fragments.
. "$(dirname "$0")/lib.sh"

require_ours
require_pki
load_dco ref
netns_pair

OPTS="--cipher AES-256-GCM --data-ciphers AES-256-GCM --ping 2 --ping-restart 20"
WARN_RE="DCO: tun-mtu [0-9]+ \+ [0-9]+ bytes of encapsulation"

# frags: FragCreates of both namespaces added up
frags() { echo $(( $(snmp_ip "$NS_A" FragCreates) + $(snmp_ip "$NS_B" FragCreates) )); }

# up LABEL TUN_MTU
up() {
	p2p_tls_up "$1" "$OURS_BIN" "$OURS_BIN" "$OPTS --tun-mtu $2" "$OPTS --tun-mtu $2" ||
		die "$1: tunnel did not come up"
	log_has "$LOG_A" "DCO: data channel offloaded" || die "$1: A is not on DCO"
	log_has "$LOG_B" "DCO: data channel offloaded" || die "$1: B is not on DCO"
	ok "$1: tunnel up on DCO"
}
down() {
	stop_daemon "$PID_A" || true
	stop_daemon "$PID_B" || true
}
# traffic LABEL TUN_MTU: a ping of exactly tun-mtu bytes (inner) each way
# and a 5 MB TCP transfer; prints the outer fragments it caused
traffic() {
	local f0 f1
	f0=$(frags)
	check "$1: ping A -> B of $2 bytes" ping_ok "$NS_A" "$TUN_B" $(($2 - 28))
	check "$1: ping B -> A of $2 bytes" ping_ok "$NS_B" "$TUN_A" $(($2 - 28))
	check "$1: 5 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 5
	f1=$(frags)
	FRAGS=$((f1 - f0))
	echo "  $1: outer fragments created: $FRAGS ($(frag_summary "$NS_A") on A)"
}

# 1. too large
up mtu1500 1500
for side in A B; do
	[ $side = A ] && log=$LOG_A || log=$LOG_B
	n=$(grep -cE -- "$WARN_RE" "$log" || true)
	if [ "$n" = 1 ]; then
		ok "mtu1500 $side: warned once"
		grep -E -- "$WARN_RE" "$log" | sed 's/^/    /'
	else
		fail "mtu1500 $side: $n warnings instead of one"
	fi
	check "mtu1500 $side: the warning has the numbers (1500 + 52 = 1552 > path 1500)" \
		log_has "$log" "tun-mtu 1500 \+ 52 bytes .*= 1552 exceeds the path MTU 1500"
done
SUGGEST=$(sed -n 's/.*A tun-mtu of \([0-9]*\) or less avoids it.*/\1/p' "$LOG_A" | head -n 1)
if [ "$SUGGEST" = 1448 ]; then
	ok "suggested tun-mtu is 1448"
else
	fail "suggested tun-mtu is '$SUGGEST', expected 1448"
fi
traffic mtu1500 1500
if [ "$FRAGS" -gt 0 ]; then
	ok "mtu1500: the kernel fragmented outer packets ($FRAGS)"
else
	fail "mtu1500: expected outer fragments, got none"
fi
down

# 2. small enough
up mtu1400 1400
if log_has "$LOG_A" "$WARN_RE" || log_has "$LOG_B" "$WARN_RE"; then
	fail "mtu1400: warned although 1400 + 52 fits"
else
	ok "mtu1400: no warning"
fi
down

# 3. the suggestion
SUGGEST=${SUGGEST:-1448}
up "mtu$SUGGEST" "$SUGGEST"
if log_has "$LOG_A" "$WARN_RE" || log_has "$LOG_B" "$WARN_RE"; then
	fail "mtu$SUGGEST: warned at the suggested tun-mtu"
else
	ok "mtu$SUGGEST: no warning"
fi
traffic "mtu$SUGGEST" "$SUGGEST"
if [ "$FRAGS" = 0 ]; then
	ok "mtu$SUGGEST: FragCreates = 0 with full-size packets"
else
	fail "mtu$SUGGEST: $FRAGS outer fragments"
fi
down

# 4. server mode
SRV_LOG=$WORK/server.log
CLI_LOG=$WORK/client.log
start_daemon "$NS_A" "$SRV_LOG" "$OURS_BIN" --server 10.97.0.0 255.255.255.0 --topology subnet \
	--dev "$TUN_DEV" --dev-type tun --dh none --ca "$PKI/ca.crt" --cert "$PKI/server.crt" \
	--key "$PKI/server.key" --keepalive 2 20 --data-ciphers AES-256-GCM --tun-mtu 1500 --verb 3
SRV_PID=$LAST_PID
start_daemon "$NS_B" "$CLI_LOG" "$OURS_BIN" --client --dev "$TUN_DEV" --dev-type tun \
	--remote "$ADDR_A" 1194 --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
	--key "$PKI/client.key" --data-ciphers AES-256-GCM --tun-mtu 1500 --verb 3
CLI_PID=$LAST_PID
if wait_log "$SRV_LOG" "DCO: data channel offloaded" 30 &&
	wait_log "$CLI_LOG" "Initialization Sequence Completed" 30; then
	ok "server: client connected on DCO"
	check "server: warned for the client (name first, 1552 > 1500, suggests 1448)" \
		log_has "$SRV_LOG" ": DCO: tun-mtu 1500 \+ 52 bytes .*= 1552 exceeds the path MTU 1500 .*A tun-mtu of 1448"
	grep -E -- "$WARN_RE" "$SRV_LOG" | sed 's/^/    /'
	check "client: warned" log_has "$CLI_LOG" "DCO: tun-mtu 1500 \+ 52 bytes .*A tun-mtu of 1448"
else
	fail "server: the client did not connect on DCO"
fi
stop_daemon "$CLI_PID" || true
stop_daemon "$SRV_PID" || true
# 5. our module
if [ -z "$(dco_module_path extra)" ]; then
	echo "  (our module not in the initramfs: part 5 not run)"
	finish
fi
load_dco extra
check "ours: sysfs says the module clamps MSS" \
	sh -c "grep -qx Y /sys/module/$DCO_MODULE/parameters/mss_clamp"
up ours1500 1500
check "ours: A notes that TCP is clamped" log_has "$LOG_A" \
	"exceeds the path MTU 1500 .*: the kernel module clamps TCP MSS, so only full-size non-TCP"
if log_has "$LOG_A" "does not clamp TCP MSS"; then
	fail "ours: A warned as for the reference module"
fi
f0=$(frags)
check "ours: 5 MB A -> B with equal SHA-256" transfer_ok "$NS_A" "$TUN_A" "$NS_B" 5
check "ours: 5 MB B -> A with equal SHA-256" transfer_ok "$NS_B" "$TUN_B" "$NS_A" 5
f1=$(frags)
if [ $((f1 - f0)) = 0 ]; then
	ok "ours: TCP at tun-mtu 1500 made no outer fragments"
else
	fail "ours: TCP at tun-mtu 1500 made $((f1 - f0)) outer fragments"
fi
down
finish
