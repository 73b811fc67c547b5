#!/bin/bash
# --management: our server with the interface on 127.0.0.1 and a password
# file, a Debian openvpn 2.6 client and ours (whose own interface is a unix
# socket with --management-hold). A small python client drives both; the
# replies to a set of commands are also compared with Debian's own server.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
command -v python3 >/dev/null || skip "python3 is needed for the management client"
require_debian_samples
netns_star 2 || { fail "namespace setup"; finish; }
C0=${STAR_NS[0]} C1=${STAR_NS[1]}
MPORT=7505
PW=mgmt-secret-$UNIQ
echo "$PW" >"$WORK/mgmt.pw"
chmod 600 "$WORK/mgmt.pw"
SOCK=$WORK/client.sock

openssl req -new -newkey rsa:2048 -nodes -subj "/CN=Test-Client-3" \
	-keyout "$WORK/client3.key" -out "$WORK/client3.csr" 2>/dev/null &&
	openssl x509 -req -in "$WORK/client3.csr" -CA "$KEYS/ca.crt" -CAkey "$KEYS/ca.key" \
		-CAcreateserial -CAserial "$WORK/ca.srl" -days 2 -out "$WORK/client3.crt" 2>/dev/null ||
	{ fail "cannot sign a client certificate with the sample CA"; finish; }

# mc TARGET CMD...: one management session; TARGET is host:port or a unix
# socket path. "@N" reads for N seconds, "=pw" sends a line without
# waiting. Prints everything received, CRs removed, "<EOF>" when closed.
cat >"$WORK/mc.py" <<'EOF'
import socket, sys, time
t = sys.argv[1]
if t.startswith("/"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(t)
else:
    h, p = t.rsplit(":", 1)
    s = socket.create_connection((h, int(p)), timeout=5)
out = []
closed = False
def rd(secs):
    global closed
    end = time.time() + secs
    while not closed and time.time() < end:
        s.settimeout(max(0.05, end - time.time()))
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        except OSError:
            d = b""
        if not d:
            closed = True
            out.append("<EOF>\n")
            break
        out.append(d.decode(errors="replace"))
rd(0.5)
for c in sys.argv[2:]:
    if c.startswith("@"):
        rd(float(c[1:]))
        continue
    if closed:
        break
    try:
        s.sendall((c + "\n").encode())
    except OSError:
        closed = True
        out.append("<EOF>\n")
        break
    rd(0.6)
sys.stdout.write("".join(out).replace("\r", ""))
EOF

stop_all() {
	local pid
	for pid in "$@"; do
		stop_pid "$pid"
	done
}

# mc_in NS OUTFILE TARGET CMD...
mc_in() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" python3 "$WORK/mc.py" "$@" >"$out" 2>&1
}

# the sample server with a short keepalive, so that kills and exits show fast
server_conf() {
	sample_server_conf "$@" && sed -i 's/^keepalive .*/keepalive 2 10/' "$WORK/server-$1.conf"
}

# ---- our client: unix socket and --management-hold ---------------------------
case_client_hold() {
	if wait_log "$WORK/ours.log" 'Need hold release' 10 &&
		! grep -q 'Initialization Sequence Completed' "$WORK/ours.log"; then
		pass "client: --management-hold waits before connecting"
	else
		fail "client: no hold before connecting"
	fi
	sleep 2
	if grep -q 'Initialization Sequence Completed' "$WORK/ours.log"; then
		fail "client: connected while still on hold"
	fi
	# hold off afterwards: a restart (the kill below) would hold again
	mc_in "$C1" "$WORK/m-hold.txt" "$SOCK" hold "state on" "hold release" @2 "hold off"
	if grep -q '^>HOLD:Waiting for hold release:0' "$WORK/m-hold.txt" &&
		grep -q '^SUCCESS: hold=1$' "$WORK/m-hold.txt" &&
		grep -q '^SUCCESS: hold release succeeded$' "$WORK/m-hold.txt"; then
		pass "client: >HOLD announced, hold=1, hold release accepted"
	else
		fail "client: hold dialogue"; cat "$WORK/m-hold.txt"
	fi
	if wait_log "$WORK/ours.log" 'Initialization Sequence Completed' 30; then
		pass "client: connects after hold release"
	else
		fail "client: did not connect after hold release"
	fi
	sleep 2
	mc_in "$C1" "$WORK/m-state.txt" "$SOCK" state "state all" status "bytecount 1" @2.5 \
		"$(printf 'x%.0s' $(seq 1 1100))" help
	if grep -Eq '^[0-9]+,CONNECTED,SUCCESS,10\.8\.0\.[0-9]+,'"$ADDR_A"',1194' "$WORK/m-state.txt" &&
		[ "$(grep -Eo ',(CONNECTING|WAIT|AUTH|GET_CONFIG|ASSIGN_IP|ADD_ROUTES|CONNECTED),' \
			"$WORK/m-state.txt" | tail -n 6 | tr -d ',\n')" = CONNECTINGWAITAUTHGET_CONFIGASSIGN_IPCONNECTED ] &&
		grep -Eq '^[0-9]+,ASSIGN_IP,,10\.8\.0\.[0-9]+,,,,$' "$WORK/m-state.txt"; then
		pass "client: state CONNECTED with tun and server address, history CONNECTING .. CONNECTED in order, fields as 2.6"
	else
		fail "client: state"; cat "$WORK/m-state.txt"
	fi
	if grep -q '^OpenVPN STATISTICS$' "$WORK/m-state.txt" &&
		grep -Eq '^TCP/UDP read bytes,[1-9][0-9]*$' "$WORK/m-state.txt" &&
		grep -Eq '^>BYTECOUNT:[1-9][0-9]*,[1-9][0-9]*$' "$WORK/m-state.txt"; then
		pass "client: status counters and >BYTECOUNT lines"
	else
		fail "client: status or bytecount"; cat "$WORK/m-state.txt"
	fi
	if grep -q '^ERROR: input line too long' "$WORK/m-state.txt" &&
		grep -q '<EOF>' "$WORK/m-state.txt" && ! grep -q '^Commands:' "$WORK/m-state.txt" &&
		mc_in "$C1" "$WORK/m-after.txt" "$SOCK" pid && grep -q '^SUCCESS: pid=' "$WORK/m-after.txt"; then
		pass "client: an over-long line ends the session; the next client is served"
	else
		fail "client: over-long line"; cat "$WORK/m-state.txt"
	fi
}

# ---- our server: password, status, state, log, bytecount, kill, signal --------
case_server() {
	local real
	mc_in "$NS_A" "$WORK/m-badpw.txt" "127.0.0.1:$MPORT" wrong1 wrong2 wrong3 status @1
	if grep -q 'ENTER PASSWORD:' "$WORK/m-badpw.txt" && grep -q '<EOF>' "$WORK/m-badpw.txt" &&
		! grep -q 'SUCCESS' "$WORK/m-badpw.txt" && ! grep -q 'CLIENT_LIST' "$WORK/m-badpw.txt"; then
		pass "server: wrong passwords refused, connection closed after 3"
	else
		fail "server: wrong password"; cat "$WORK/m-badpw.txt"
	fi
	mc_in "$NS_A" "$WORK/m-status.txt" "127.0.0.1:$MPORT" "$PW" "status 2" state \
		"bytecount 1" @2.5 "bytecount 0" load-stats pid "frobnicate now"
	if [ "$(grep -c '^CLIENT_LIST,Test-Client' "$WORK/m-status.txt")" = 2 ] &&
		grep -q '^CLIENT_LIST,Test-Client-3,' "$WORK/m-status.txt" &&
		grep -q '^HEADER,CLIENT_LIST,' "$WORK/m-status.txt" && grep -q '^END$' "$WORK/m-status.txt"; then
		pass "server: status 2 lists both clients"
	else
		fail "server: status 2"; cat "$WORK/m-status.txt"
	fi
	if grep -Eq '^[0-9]+,CONNECTED,SUCCESS,10\.8\.0\.1,' "$WORK/m-status.txt"; then
		pass "server: state CONNECTED"
	else
		fail "server: state"
	fi
	if [ "$(grep -c '^>BYTECOUNT_CLI:[0-9]*,[1-9][0-9]*,[1-9][0-9]*$' "$WORK/m-status.txt")" -ge 2 ]; then
		pass "server: >BYTECOUNT_CLI lines for the clients"
	else
		fail "server: no >BYTECOUNT_CLI lines"
	fi
	if grep -q '^SUCCESS: nclients=2,bytesin=[1-9]' "$WORK/m-status.txt" &&
		grep -q "^ERROR: unknown command, enter 'help' for more options$" "$WORK/m-status.txt"; then
		pass "server: load-stats and the unknown-command reply"
	else
		fail "server: load-stats or unknown command"
	fi
	# kill our client by name; with "log on" its reconnection streams by
	mc_in "$NS_A" "$WORK/m-kill.txt" "127.0.0.1:$MPORT" "$PW" "log on" \
		"kill Test-Client-3" @12 "kill Nobody"
	if grep -q "^SUCCESS: common name 'Test-Client-3' found, 1 client(s) killed$" "$WORK/m-kill.txt" &&
		grep -q "^ERROR: common name 'Nobody' not found$" "$WORK/m-kill.txt"; then
		pass "server: kill by common name"
	else
		fail "server: kill cn"; cat "$WORK/m-kill.txt"
	fi
	if grep -q '^>LOG:[0-9]*,.*Test-Client-3' "$WORK/m-kill.txt" &&
		[ "$(grep -c 'Initialization Sequence Completed' "$WORK/ours.log")" -ge 2 ]; then
		pass "server: >LOG lines stream while the killed client reconnects"
	else
		fail "server: no log stream or no reconnect"; cat "$WORK/m-kill.txt"
	fi
	# kill the Debian client by its address as the status report shows it
	real=$(awk -F, '/^CLIENT_LIST,Test-Client,/ {print $3}' "$WORK/m-status.txt")
	mc_in "$NS_A" "$WORK/m-killaddr.txt" "127.0.0.1:$MPORT" "$PW" "kill $real" "kill 10.1.2.3:4"
	if [ -n "$real" ] && grep -q "^SUCCESS: 1 client(s) at address $real killed$" "$WORK/m-killaddr.txt" &&
		grep -q "^ERROR: client at address 10.1.2.3:4 not found$" "$WORK/m-killaddr.txt" &&
		wait_log "$WORK/server.log" "Test-Client/.*killed by the management interface" 5; then
		pass "server: kill by address ($real)"
	else
		fail "server: kill address '$real'"; cat "$WORK/m-killaddr.txt"
	fi
	mc_in "$NS_A" "$WORK/m-term.txt" "127.0.0.1:$MPORT" "$PW" "state on" "signal SIGTERM" @3
	if grep -q '^SUCCESS: signal SIGTERM thrown$' "$WORK/m-term.txt" && wait_gone "$PID_S" 10; then
		pass "server: signal SIGTERM ends the server"
	else
		fail "server: signal SIGTERM"; cat "$WORK/m-term.txt"
	fi
	if grep -q '^>STATE:[0-9]*,EXITING,' "$WORK/m-term.txt"; then
		pass "server: >STATE EXITING announced"
	else
		fail "server: no EXITING state"
	fi
}

# ---- the same commands against Debian's server and ours ---------------------
WORDING=("kill Nobody" "kill 10.1.2.3:4" hold "hold on" "hold off" verb mute "signal SIGFOO"
	bytecount log echo "echo all" "state off x" "frobnicate" "status 7")
case_wording() {
	local who
	stop_all "${PIDS[@]}"
	for who in debian ours; do
		local bin=$OPENVPN_BIN
		[ $who = debian ] && bin=$DEBIAN_OPENVPN
		server_conf "w$who" "management 127.0.0.1 $MPORT $WORK/mgmt.pw" "verb 3"
		start_in "$NS_A" "$WORK/server-w$who.log" "$bin" --cd "$KEYS" --config "$WORK/server-w$who.conf"
		local pid=$LAST_PID
		wait_log "$WORK/server-w$who.log" 'Initialization Sequence Completed' 15 ||
			{ fail "wording: $who server did not start"; return; }
		mc_in "$NS_A" "$WORK/w-$who.txt" "127.0.0.1:$MPORT" "$PW" "${WORDING[@]}"
		stop_pid "$pid"
	done
	if diff -u "$WORK/w-debian.txt" "$WORK/w-ours.txt" >"$WORK/w.diff"; then
		pass "wording: ${#WORDING[@]} commands answered as Debian's server answers them"
	else
		fail "wording differs from Debian's server"; cat "$WORK/w.diff"
	fi
}

server_conf main "management 127.0.0.1 $MPORT $WORK/mgmt.pw" "verb 3"
sample_client_conf deb0 client.crt client.key
sample_client_conf ours1 "$WORK/client3.crt" "$WORK/client3.key" \
	"management $SOCK unix" "management-hold" "management-log-cache 50"
start_in "$NS_A" "$WORK/server.log" "$OPENVPN_BIN" --cd "$KEYS" --config "$WORK/server-main.conf"
PID_S=$LAST_PID
wait_log "$WORK/server.log" 'Initialization Sequence Completed' 15 || { fail "server did not start"; finish; }
start_in "$C0" "$WORK/deb0.log" "$DEBIAN_OPENVPN" --cd "$KEYS" --config "$WORK/client-deb0.conf"
start_in "$C1" "$WORK/ours.log" "$OPENVPN_BIN" --cd "$KEYS" --config "$WORK/client-ours1.conf"
wait_log "$WORK/deb0.log" 'Initialization Sequence Completed' 30 || fail "Debian client did not connect"
case_client_hold
case_server
case_wording
finish
