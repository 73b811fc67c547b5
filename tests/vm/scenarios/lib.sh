# shellcheck shell=dash
# In-VM helpers for tests/vm scenarios (busybox sh). Source it first:
#   . "$(dirname "$0")/lib.sh"
# A scenario exits 0 (pass), 77 (skip, last line "SKIP: reason") or
# anything else (fail, last "FAIL: reason" line is the reason). It gets
# fresh namespaces; the VM's /init cleans up anything left behind.
#
# busybox runs its own applets before $PATH, so iproute2, kmod and the
# daemons are always called by absolute path ($IP, $MODPROBE, ...).
set -eu

VMTEST_DIR=${VMTEST_DIR:-/vmtest}
SCENARIO=${SCENARIO:-$(basename "$0" .sh)}
IP=/usr/sbin/ip
MODPROBE=/usr/sbin/modprobe
INSMOD=/usr/sbin/insmod
RMMOD=/usr/sbin/rmmod
MODINFO=/usr/sbin/modinfo
DEB_OPENVPN=${DEB_OPENVPN:-/usr/sbin/openvpn}
OURS_BIN=${OURS_BIN:-/usr/local/sbin/openvpn-ours}
PKI=$VMTEST_DIR/pki

UNIQ=$(printf '%04x' $(( $$ * 7919 % 65536 )))
NS_A=$SCENARIO-$UNIQ-a
NS_B=$SCENARIO-$UNIQ-b
VETH_A=va$UNIQ
VETH_B=vb$UNIQ
ADDR_A=10.99.0.1
ADDR_B=10.99.0.2
TUN_A=10.98.0.1
TUN_B=10.98.0.2
TUN_DEV=tvpn0
WORK=$(mktemp -d "/tmp/$SCENARIO.XXXXXX")
PIDS=""
FAILS=0
LAST_PID=""

# ---- results ----------------------------------------------------------------
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
skip() { echo "SKIP: $*"; exit 77; }
die() { fail "$*"; exit 1; }
# finish: exit status from the checks so far
finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$SCENARIO: $FAILS check(s) failed"
		exit 1
	fi
	exit 0
}
# check DESCRIPTION COMMAND...: run it, record ok/FAIL
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}

# ---- cleanup ----------------------------------------------------------------
show_logs() {
	for f in "$WORK"/*.log; do
		[ -f "$f" ] || continue
		echo "--- last lines of $(basename "$f"):"
		tail -n "${LOG_TAIL:-25}" "$f" | sed 's/^/    /'
	done
}
cleanup() {
	local pid
	for pid in $PIDS; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in $PIDS; do wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true; done
	$IP netns del "$NS_A" 2>/dev/null || true
	$IP netns del "$NS_B" 2>/dev/null || true
	if [ "$FAILS" -gt 0 ] || [ "${VMTEST_VERBOSE:-0}" = 1 ]; then show_logs; fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

# ---- requirements -----------------------------------------------------------
# require_bin PATH: skip unless PATH is an executable in the initramfs
require_bin() { [ -x "$1" ] || skip "$1 not in the initramfs"; }
require_pki() { [ -f "$PKI/ca.crt" ] || skip "no test PKI in the initramfs (openssl missing on the host?)"; }
require_ours() { [ -x "$OURS_BIN" ] || skip "our daemon not in the initramfs (set OURS when building it)"; }

# ---- kernel modules ---------------------------------------------------------
# dco_module_path ref|extra: the .ko shipped for that slot, empty if none
dco_module_path() {
	local ko
	for ko in "$VMTEST_DIR/modules/$1"/*.ko; do
		[ -f "$ko" ] && { echo "$ko"; return 0; }
	done
	return 0
}
# unload_dco: remove whatever DCO module (ref or extra) is loaded
unload_dco() {
	local ko m
	for ko in "$VMTEST_DIR"/modules/*/*.ko; do
		[ -f "$ko" ] || continue
		m=$(basename "$ko" .ko | tr - _)
		[ -d "/sys/module/$m" ] || continue
		$RMMOD "$m" || return 1
	done
}
# load_dco ref|extra: unload any DCO module, then load this one with its
# dependencies; skips when the initramfs has no module in that slot.
# Sets DCO_MODULE (module name as in /sys/module).
load_dco() {
	local ko deps
	ko=$(dco_module_path "$1")
	if [ -z "$ko" ]; then
		[ "$1" = extra ] && skip "our ovpn-dco module is not in the initramfs (not built: no kernel headers, or configure without --enable-dco)"
		skip "no '$1' DCO module in the initramfs"
	fi
	unload_dco || die "cannot unload the previous DCO module"
	deps=$($MODINFO -F depends "$ko" | tr , ' ')
	[ -z "$deps" ] || $MODPROBE -a $deps || die "cannot load dependencies of $ko: $deps"
	$INSMOD "$ko" || die "insmod $ko failed"
	DCO_MODULE=$(basename "$ko" .ko | tr - _)
	ok "loaded $(basename "$ko") (version $(cat "/sys/module/$DCO_MODULE/version" 2>/dev/null || echo ?))"
}

# ---- namespaces -------------------------------------------------------------
# netns_pair: namespaces $NS_A and $NS_B, veth $ADDR_A <-> $ADDR_B (/24), MTU 1500
netns_pair() {
	$IP netns add "$NS_A"
	$IP netns add "$NS_B"
	$IP link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B"
	$IP -n "$NS_A" addr add "$ADDR_A/24" dev "$VETH_A"
	$IP -n "$NS_B" addr add "$ADDR_B/24" dev "$VETH_B"
	$IP -n "$NS_A" link set lo up
	$IP -n "$NS_B" link set lo up
	$IP -n "$NS_A" link set "$VETH_A" up
	$IP -n "$NS_B" link set "$VETH_B" up
}
# in_ns NS CMD...: run CMD in NS (found through $PATH there, so busybox
# applets work too)
in_ns() {
	local ns=$1
	shift
	$IP netns exec "$ns" "$@"
}

# ---- daemons ----------------------------------------------------------------
# start_daemon NS LOG PROG ARGS...: start PROG in NS with output to LOG;
# $LAST_PID is the daemon itself (ip netns exec execs it); killed at exit.
start_daemon() {
	local ns=$1 log=$2
	shift 2
	$IP netns exec "$ns" "$@" >"$log" 2>&1 &
	LAST_PID=$!
	PIDS="$PIDS $LAST_PID"
}
# wait_log LOG REGEX [secs]: true once LOG has a line matching REGEX (ERE)
wait_log() {
	local file=$1 re=$2 t=${3:-20} i=0
	while [ $i -lt $((t * 10)) ]; do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "  timed out after ${t}s waiting for /$re/ in $(basename "$file")"
	return 1
}
# proc_state PID: the state letter from /proc/PID/stat, empty if gone
proc_state() { sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null || true; }
# wait_gone PID [secs]: true once PID has exited (zombies count as gone)
wait_gone() {
	local pid=$1 t=${2:-10} i=0 st
	while [ $i -lt $((t * 10)) ]; do
		st=$(proc_state "$pid")
		if [ -z "$st" ] || [ "$st" = Z ]; then
			wait "$pid" 2>/dev/null || true
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# stop_daemon PID [secs]: SIGTERM, wait; false if it had to be killed
stop_daemon() {
	kill -TERM "$1" 2>/dev/null || true
	wait_gone "$1" "${2:-10}" && return 0
	echo "  pid $1 ignored SIGTERM, killing"
	kill -KILL "$1" 2>/dev/null || true
	wait_gone "$1" 5 || true
	return 1
}

# p2p_tls_up LABEL BIN_A BIN_B "ARGS_A" "ARGS_B" [secs]
# P2P TLS over UDP: TLS server BIN_A in $NS_A ($TUN_A), TLS client BIN_B
# in $NS_B ($TUN_B), device $TUN_DEV on both sides, test PKI. Extra args
# are word-split. Sets PID_A PID_B LOG_A LOG_B; true once both sides
# logged "Initialization Sequence Completed".
p2p_tls_up() {
	local label=$1 ba=$2 bb=$3 xa=$4 xb=$5 t=${6:-30} up=0
	LOG_A=$WORK/$label.a.log
	LOG_B=$WORK/$label.b.log
	# shellcheck disable=SC2086
	start_daemon "$NS_A" "$LOG_A" "$ba" --dev "$TUN_DEV" --dev-type tun --proto udp \
		--local "$ADDR_A" --lport 1194 --remote "$ADDR_B" --rport 1194 \
		--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --ca "$PKI/ca.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --verb 3 $xa
	PID_A=$LAST_PID
	# shellcheck disable=SC2086
	start_daemon "$NS_B" "$LOG_B" "$bb" --dev "$TUN_DEV" --dev-type tun --proto udp \
		--local "$ADDR_B" --lport 1194 --remote "$ADDR_A" --rport 1194 \
		--ifconfig "$TUN_B" "$TUN_A" --tls-client --ca "$PKI/ca.crt" \
		--cert "$PKI/client.crt" --key "$PKI/client.key" --verb 3 $xb
	PID_B=$LAST_PID
	wait_log "$LOG_A" 'Initialization Sequence Completed' "$t" || up=1
	wait_log "$LOG_B" 'Initialization Sequence Completed' "$t" || up=1
	return $up
}

# ---- DCO evidence -----------------------------------------------------------
# dco_links NS: names of the ovpn-dco interfaces in NS, one per line
dco_links() {
	$IP -n "$1" -d -o link show 2>/dev/null |
		grep -E '[[:space:]]ovpn-dco([[:space:]]|$)' |
		sed 's/^[0-9]*: \([^:@]*\).*/\1/' || true
}
# has_dco_link NS [DEV]: true if NS has an ovpn-dco interface (named DEV)
has_dco_link() {
	if [ $# -ge 2 ]; then
		dco_links "$1" | grep -qx -- "$2"
	else
		[ -n "$(dco_links "$1")" ]
	fi
}
# log_has LOG REGEX: true if LOG has a line matching REGEX (ERE)
log_has() { grep -Eq -- "$2" "$1"; }
# dev_stat NS DEV COUNTER: /sys/class/net/DEV/statistics/COUNTER in NS
dev_stat() { $IP netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }

# ---- traffic ----------------------------------------------------------------
# ping_ok NS DEST [size] [count]: DF set when iputils ping is available
ping_ok() {
	local ns=$1 dst=$2 size=${3:-56} count=${4:-3} df=""
	[ -L /usr/bin/ping ] || df="-M do"
	# shellcheck disable=SC2086
	$IP netns exec "$ns" ping -q -c "$count" -i 0.2 -W 2 -s "$size" $df "$dst" >/dev/null 2>&1
}
# snmp_ip NS FIELD: a counter of the "Ip:" lines of /proc/net/snmp in NS
# (FragCreates, FragOKs, FragFails, ReasmReqds, ReasmOKs, ...)
snmp_ip() {
	$IP netns exec "$1" cat /proc/net/snmp | awk -v f="$2" '
		$1 == "Ip:" && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == "Ip:" && h { print (f in col) ? $col[f] : ""; exit }'
}
# frag_summary NS: one line with the IPv4 fragmentation counters of NS
frag_summary() {
	echo "FragCreates=$(snmp_ip "$1" FragCreates) FragOKs=$(snmp_ip "$1" FragOKs)" \
		"ReasmReqds=$(snmp_ip "$1" ReasmReqds) ReasmOKs=$(snmp_ip "$1" ReasmOKs)"
}
# transfer_ok NS_SRV SRV_ADDR NS_CLI MB: serve MB of random data over HTTP
# (busybox httpd) from NS_SRV, fetch it with wget in NS_CLI, compare the
# SHA-256 of both copies. Prints the time taken.
transfer_ok() {
	local nss=$1 addr=$2 nsc=$3 mb=$4 port=8080 srv t0 t1 i=0 a b
	mkdir -p "$WORK/www"
	dd if=/dev/urandom of="$WORK/www/blob" bs=1M count="$mb" 2>/dev/null
	$IP netns exec "$nss" busybox httpd -f -p "$addr:$port" -h "$WORK/www" &
	srv=$!
	PIDS="$PIDS $srv"
	while ! $IP netns exec "$nss" netstat -ltn 2>/dev/null | grep -q ":$port "; do
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "  httpd did not start"; return 1; }
		sleep 0.1
	done
	t0=$(cut -d' ' -f1 /proc/uptime)
	if ! $IP netns exec "$nsc" timeout 120 wget -q -O "$WORK/got" "http://$addr:$port/blob"; then
		echo "  wget failed"
		kill "$srv" 2>/dev/null || true
		return 1
	fi
	t1=$(cut -d' ' -f1 /proc/uptime)
	kill "$srv" 2>/dev/null || true
	wait_gone "$srv" 5 || true
	a=$(sha256sum <"$WORK/www/blob" | cut -d' ' -f1)
	b=$(sha256sum <"$WORK/got" | cut -d' ' -f1)
	rm -f "$WORK/got" "$WORK/www/blob"
	echo "  $mb MB in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, sha256 $a / $b"
	[ "$a" = "$b" ]
}
# iperf_mbps NS_SRV SRV_ADDR NS_CLI [secs] [extra iperf3 client args]:
# prints the receiver's Mbit/s of one TCP stream; false on error
iperf_mbps() {
	local nss=$1 addr=$2 nsc=$3 secs=${4:-5} x=${5:-} srv i=0
	[ -x /usr/bin/iperf3 ] || { echo "  iperf3 not in the initramfs"; return 1; }
	$IP netns exec "$nss" /usr/bin/iperf3 -s -1 -B "$addr" >"$WORK/iperf-s.out" 2>&1 &
	srv=$!
	PIDS="$PIDS $srv"
	while ! $IP netns exec "$nss" netstat -ltn 2>/dev/null | grep -q ":5201 "; do
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "  iperf3 server did not start"; return 1; }
		sleep 0.1
	done
	# shellcheck disable=SC2086
	$IP netns exec "$nsc" /usr/bin/iperf3 -c "$addr" -t "$secs" -f m $x >"$WORK/iperf-c.out" 2>&1 ||
		{ cat "$WORK/iperf-c.out"; return 1; }
	wait_gone "$srv" 5 || kill "$srv" 2>/dev/null || true
	awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i } END { if (v == "") exit 1; print v }' \
		"$WORK/iperf-c.out"
}

# crypto_driver ALG: the driver the kernel picked for ALG (e.g. gcm(aes)),
# from /proc/crypto (highest priority); empty if not instantiated yet
crypto_driver() {
	awk -v a="$1" '
		$1 == "name" { n = $3 } $1 == "driver" { d = $3 }
		$1 == "priority" && n == a && $3 + 0 > best { best = $3 + 0; r = d }
		END { print r }' /proc/crypto
}
