# Shared helpers for the network-namespace scenarios. Source it, then:
#   netns_pair            two namespaces $NS_A/$NS_B joined by veth
#   start_in NS LOG cmd.. start a daemon, record its pid for cleanup
#   wait_log LOG REGEX [secs]
# Everything created here is removed on exit, whatever happened.
set -u

OPENVPN_BIN=${OPENVPN_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/src/openvpn/openvpn}
DEBIAN_OPENVPN=${DEBIAN_OPENVPN:-/usr/sbin/openvpn}
TEST_NAME=$(basename "$0" .sh)
# Short unique prefix: interface names are limited to 15 characters.
UNIQ=$(printf '%x' $(( ($$ + RANDOM) % 65536 )))
NS_A="ovt-$UNIQ-a-$TEST_NAME"
NS_B="ovt-$UNIQ-b-$TEST_NAME"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ovt.$TEST_NAME.XXXXXX")
PIDS=()
STAR_NS=()
FAILS=0
PASSES=0
# 10.77.x.0/24 on the veth; x from the pid so parallel tests differ
OCTET=$(( ($$ % 200) + 20 ))
ADDR_A=10.77.$OCTET.1
ADDR_B=10.77.$OCTET.2
ADDR6_A=fd00:77:$OCTET::1
ADDR6_B=fd00:77:$OCTET::2

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
	done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	for pid in "${STAR_NS[@]}"; do
		ip netns del "$pid" 2>/dev/null
	done
	if [ "${KEEP_WORK:-0}" = 1 ] || [ "$FAILS" -gt 0 ]; then
		echo "logs kept in $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

skip() { echo "SKIP: $*"; exit 77; }
pass() { echo "PASS: $*"; PASSES=$((PASSES + 1)); }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# Exit status for automake: 0 all passed, 1 any failure.
finish() {
	echo "$TEST_NAME: $PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
	exit $?
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	ip netns add "ovt-probe-$UNIQ" 2>/dev/null || skip "cannot create network namespaces here"
	ip netns del "ovt-probe-$UNIQ"
	[ -c /dev/net/tun ] || skip "/dev/net/tun is missing"
}

require_debian_openvpn() {
	[ -x "$DEBIAN_OPENVPN" ] || skip "Debian openvpn not installed at $DEBIAN_OPENVPN (apt-get install openvpn)"
}

# require_daemon: the daemon under test must have been built.
require_daemon() {
	[ -x "$OPENVPN_BIN" ] || { echo "FAIL: daemon not built at $OPENVPN_BIN"; exit 1; }
}

# require_debian_samples: Debian's sample configs and keys, in $EX and $KEYS.
require_debian_samples() {
	EX=/usr/share/doc/openvpn/examples
	KEYS=$EX/sample-keys
	[ -r "$EX/sample-config-files/server.conf" ] && [ -r "$KEYS/ca.crt" ] &&
		[ -r "$KEYS/ca.key" ] ||
		skip "Debian's sample configs are missing ($EX; apt-get install openvpn)"
}

# sample_server_conf NAME [extra config lines...]: Debian's sample server.conf
# with its files in $WORK, as $WORK/server-NAME.conf (needs require_debian_samples)
sample_server_conf() {
	local name=$1 line
	shift
	sed -e "s|^ifconfig-pool-persist .*|ifconfig-pool-persist $WORK/ipp-$name.txt|" \
		-e "s|^status .*|status $WORK/status-$name.log 1|" \
		"$EX/sample-config-files/server.conf" >"$WORK/server-$name.conf"
	echo >>"$WORK/server-$name.conf"	# the sample's last line has no newline
	for line in "$@"; do
		echo "$line" >>"$WORK/server-$name.conf"
	done
}

# sample_client_conf NAME CERT KEY [extra lines...]: Debian's sample client.conf
# for a server at $ADDR_A, as $WORK/client-NAME.conf
sample_client_conf() {
	local name=$1 cert=$2 key=$3 line
	shift 3
	sed -e "s|^remote my-server-1 1194|remote $ADDR_A 1194|" \
		-e "s|^cert .*|cert $cert|" -e "s|^key .*|key $key|" \
		"$EX/sample-config-files/client.conf" >"$WORK/client-$name.conf"
	echo >>"$WORK/client-$name.conf"
	for line in "$@"; do
		echo "$line" >>"$WORK/client-$name.conf"
	done
}

netns_pair() {
	ip netns add "$NS_A" || return 1
	ip netns add "$NS_B" || return 1
	ip link add "va$UNIQ" netns "$NS_A" type veth peer name "vb$UNIQ" netns "$NS_B" || return 1
	ip -n "$NS_A" addr add "$ADDR_A/24" dev "va$UNIQ"
	ip -n "$NS_B" addr add "$ADDR_B/24" dev "vb$UNIQ"
	ip -n "$NS_A" addr add "$ADDR6_A/64" dev "va$UNIQ" nodad
	ip -n "$NS_B" addr add "$ADDR6_B/64" dev "vb$UNIQ" nodad
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
	ip -n "$NS_A" link set "va$UNIQ" up
	ip -n "$NS_B" link set "vb$UNIQ" up
}

# netns_star N: $NS_A with a bridge at $ADDR_A/24 ($ADDR6_A/64), and N client
# namespaces ${STAR_NS[0..N-1]} on it at 10.77.$OCTET.(10+i) / fd00:77:$OCTET::(10+i).
netns_star() {
	local n=$1 i ns
	ip netns add "$NS_A" || return 1
	ip -n "$NS_A" link add "br$UNIQ" type bridge || return 1
	ip -n "$NS_A" addr add "$ADDR_A/24" dev "br$UNIQ"
	ip -n "$NS_A" addr add "$ADDR6_A/64" dev "br$UNIQ" nodad
	ip -n "$NS_A" link set lo up
	ip -n "$NS_A" link set "br$UNIQ" up
	for ((i = 0; i < n; i++)); do
		ns="ovt-$UNIQ-c$i-$TEST_NAME"
		ip netns add "$ns" || return 1
		STAR_NS+=("$ns")
		ip link add "s$UNIQ-$i" netns "$NS_A" type veth peer name "c$UNIQ-$i" netns "$ns" || return 1
		ip -n "$NS_A" link set "s$UNIQ-$i" master "br$UNIQ" up
		ip -n "$ns" addr add "10.77.$OCTET.$((10 + i))/24" dev "c$UNIQ-$i"
		ip -n "$ns" addr add "fd00:77:$OCTET::$((10 + i))/64" dev "c$UNIQ-$i" nodad
		ip -n "$ns" link set lo up
		ip -n "$ns" link set "c$UNIQ-$i" up
	done
}

# start_in NS LOGFILE command args...   (sets LAST_PID)
start_in() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

# wait_log FILE REGEX [timeout seconds]
wait_log() {
	local file=$1 re=$2 t=${3:-10} i
	for ((i = 0; i < t * 10; i++)); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "  timed out after ${t}s waiting for /$re/ in $file; last lines:"
	tail -n 15 "$file" 2>/dev/null | sed 's/^/    | /'
	return 1
}

# wait_gone PID [timeout seconds]: true once the process has exited
wait_gone() {
	local pid=$1 t=${2:-5} i state
	for ((i = 0; i < t * 10; i++)); do
		state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
		if [ -z "$state" ] || [ "$state" = Z ]; then
			wait "$pid" 2>/dev/null
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# stop PID: SIGTERM and wait
stop_pid() {
	kill -TERM "$1" 2>/dev/null
	wait_gone "$1" 10
}

# ping_ok NS DEST [size] [count]
ping_ok() {
	local ns=$1 dst=$2 size=${3:-56} count=${4:-3}
	ip netns exec "$ns" ping -q -c "$count" -i 0.2 -W 2 -s "$size" -M do "$dst" >/dev/null 2>&1
}
