#!/bin/sh
# Options that data channel offload cannot serve, with the module loaded
# (Debian's reference ovpn-dco-v2), ours on both ends of a P2P tunnel:
#  - compress lz4, a CBC-only cipher, --disable-dco: each runs on a tun
#    device with the expected one-line reason, and traffic passes;
#  - three blockers at once: three lines, each naming its option and fix;
#  - --dco-check: exit 0 for a clean configuration (the module is there),
#    1 with the reasons for a blocked one; --require-dco refuses to start.
# (--dev tap is refused by this version altogether, so it is not a case.)
. "$(dirname "$0")/lib.sh"

require_ours
require_pki
load_dco ref
netns_pair

BASE="--ping 2 --ping-restart 20 --tun-mtu 1420"

# userspace LABEL REASON_RE OPTS: tunnel up on tun, the reason logged, ping
userspace() {
	local label=$1 re=$2 opts=$3
	p2p_tls_up "$label" "$OURS_BIN" "$OURS_BIN" "$BASE $opts" "$BASE $opts" ||
		{ fail "$label: tunnel did not come up"; return; }
	check "$label: the reason is logged" log_has "$LOG_A" "$re"
	if has_dco_link "$NS_A" || log_has "$LOG_A" "DCO: data channel offloaded"; then
		fail "$label: DCO used anyway"
	else
		ok "$label: userspace data path (tun device)"
	fi
	check "$label: ping B -> A" ping_ok "$NS_B" "$TUN_A"
	stop_daemon "$PID_A" || fail "$label: A did not exit"
	stop_daemon "$PID_B" || fail "$label: B did not exit"
}

userspace lz4 "Note: --compress/--comp-lzo disables data channel offload: .*to use DCO: " \
	"--compress lz4"
userspace cbc "Note: --data-ciphers disables data channel offload: cipher 'AES-256-CBC'" \
	"--data-ciphers AES-256-CBC --cipher AES-256-CBC"
userspace disabled "DCO: disabled by --disable-dco, the daemon carries the data channel" \
	"--disable-dco"

userspace three "Note: --inactive disables data channel offload" \
	"--compress lz4 --data-ciphers AES-256-GCM:AES-256-CBC --inactive 3600"
n=$(grep -c "Note: .* disables data channel offload: " "$LOG_A" || true)
if [ "$n" = 3 ]; then
	ok "three: three blockers, three lines"
else
	fail "three: $n blocker lines instead of 3"
fi

OPTS="--dev $TUN_DEV --ifconfig $TUN_A $TUN_B --tls-server --dh none --ca $PKI/ca.crt
	--cert $PKI/server.crt --key $PKI/server.key"
# shellcheck disable=SC2086
rc=0
out=$(in_ns "$NS_A" "$OURS_BIN" $OPTS --dco-check 2>&1) || rc=$?
if [ "$rc" = 0 ] && echo "$out" | grep -q "result: data channel offload would be used"; then
	ok "--dco-check: clean configuration, module loaded: exit 0"
else
	fail "--dco-check: clean configuration gave exit $rc: $(echo "$out" | tail -n 1)"
fi
# shellcheck disable=SC2086
rc=0
out=$(in_ns "$NS_A" "$OURS_BIN" $OPTS --compress lz4 --dco-check 2>&1) || rc=$?
if [ "$rc" = 1 ] && echo "$out" | grep -q "compress.*NO: "; then
	ok "--dco-check: compress lz4: exit 1 with the reason"
else
	fail "--dco-check: compress lz4 gave exit $rc"
fi
# shellcheck disable=SC2086
rc=0
out=$(in_ns "$NS_A" "$OURS_BIN" $OPTS --compress lz4 --require-dco 2>&1) || rc=$?
if [ "$rc" != 0 ] && echo "$out" | grep -q "refusing to start"; then
	ok "--require-dco: a blocker refuses to start (exit $rc)"
else
	fail "--require-dco with a blocker: exit $rc"
fi
if has_dco_link "$NS_A"; then
	fail "an ovpn-dco interface was left behind"
fi
finish
