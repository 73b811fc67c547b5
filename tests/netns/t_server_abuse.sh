#!/bin/bash
# Server mode under hostile input: floods of hard resets from many
# addresses, forged peer-ids, garbage datagrams, idle TCP connections. The
# server must keep bounded state, count what it drops, and keep serving a
# real client (Debian openvpn 2.6) throughout.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
command -v python3 >/dev/null || skip "python3 is needed to send forged packets"
netns_star 2 || { fail "namespace setup"; finish; }
C0=${STAR_NS[0]} C1=${STAR_NS[1]}
"$(dirname "$0")/pki.sh" "$WORK/pki" >/dev/null || { fail "pki"; finish; }
P=$WORK/pki

# The attacker: python3 in C1 with plain UDP sockets (every source port is
# another "address" to the server).
cat >"$WORK/forge.py" <<'EOF'
import os, random, socket, sys, time

server, kind, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(64)]
for s in socks:
    s.bind(("0.0.0.0", 0))
rnd = random.Random(1234)
for i in range(count):
    s = socks[i % len(socks)]
    if kind == "resets":
        # P_CONTROL_HARD_RESET_CLIENT_V2, key 0, random session id, no ACKs, id 0
        pkt = bytes([7 << 3]) + os.urandom(8) + b"\x00" + b"\x00\x00\x00\x00"
    elif kind == "acks":
        # P_ACK_V1 acknowledging id 0 of a made-up server session (bad cookie)
        pkt = bytes([5 << 3]) + os.urandom(8) + b"\x01\x00\x00\x00\x00" + os.urandom(8)
    elif kind == "peerids":
        # DATA_V2 for every small peer-id, with junk after the header
        pid = i % 64
        pkt = bytes([9 << 3, 0, 0, pid]) + os.urandom(rnd.randrange(0, 1400))
    else:
        pkt = os.urandom(rnd.randrange(0, 1600))
    try:
        s.sendto(pkt, (server, 1194))
    except OSError:
        time.sleep(0.001)
    if kind == "resets" and i % 2000 == 1999:
        # new ports now and then: even more distinct addresses
        for j in range(len(socks)):
            socks[j].close()
            socks[j] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            socks[j].bind(("0.0.0.0", 0))
EOF

srv_stats() {
	kill -USR2 "$PID_S"
	sleep 0.5
	grep 'SERVER STATISTICS' "$WORK/server.log" | tail -1
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

start_in "$NS_A" "$WORK/server.log" "$OPENVPN_BIN" --mode server --tls-server \
	--server 10.8.0.0 255.255.255.0 --topology subnet --dev "tun$UNIQ" --proto udp \
	--port 1194 --keepalive 2 10 --max-clients 16 --hand-window 5 --dh none \
	--ca "$P/ca.crt" --cert "$P/server.crt" --key "$P/server.key" --verb 3
PID_S=$LAST_PID
wait_log "$WORK/server.log" 'Initialization Sequence Completed' 10 || { fail "server did not start"; finish; }
rss0=$(rss_kb "$PID_S")

# 1. 20000 hard resets from thousands of source ports: answered without
# state, so no session exists afterwards and memory does not grow.
t0=$(date +%s)
ip netns exec "$C1" python3 "$WORK/forge.py" "$ADDR_A" resets 20000
t1=$(date +%s)
ip netns exec "$C1" python3 "$WORK/forge.py" "$ADDR_A" acks 5000
line=$(srv_stats)
rss1=$(rss_kb "$PID_S")
if echo "$line" | grep -q '0 clients connected, 0 in handshake' && [ $((rss1 - rss0)) -lt 2048 ]; then
	pass "25000 forged resets/acks: no session state kept, RSS ${rss0} -> ${rss1} KiB"
else
	fail "forged resets left state: '$line', RSS ${rss0} -> ${rss1} KiB"
fi
# --connect-freq-initial (default 100 answers per 10 s, as 2.6): the flood
# cannot turn the server into a reflector
kill -USR2 "$PID_S"
sleep 0.5
line=$(grep 'Dropped:' "$WORK/server.log" | tail -1)
answered=$(echo "$line" | sed -n 's/.*resets answered \([0-9]*\).*/\1/p')
un=$(echo "$line" | sed -n 's/.*unanswered \([0-9]*\).*/\1/p')
# windows of 10 s that the flood (plus the socket backlog) can touch
allowed=$((100 * ((t1 - t0 + 1) / 10 + 2)))
if [ -n "$answered" ] && [ "$answered" -le "$allowed" ] && [ "${un:-0}" -gt 1000 ]; then
	pass "reflection bounded: $answered forged resets answered in $((t1 - t0)) s (at most $allowed), $un not"
else
	fail "reflection: '$answered' answered in $((t1 - t0)) s (allowed $allowed), '$un' not: $line"
fi

# 2. a real client connects and keeps working while garbage and forged
# peer-ids arrive from another namespace
start_in "$C0" "$WORK/client.log" "$DEBIAN_OPENVPN" --client --dev "tun$UNIQ" --proto udp \
	--remote "$ADDR_A" 1194 --nobind --ca "$P/ca.crt" --cert "$P/client.crt" \
	--key "$P/client.key" --verb 3
PID_C=$LAST_PID
if wait_log "$WORK/client.log" 'Initialization Sequence Completed' 30 && ping_ok "$C0" 10.8.0.1; then
	pass "a Debian client connects after the flood"
else
	fail "no client after the flood"
fi
ip netns exec "$C1" python3 "$WORK/forge.py" "$ADDR_A" peerids 20000 &
FORGE=$!
ip netns exec "$C1" python3 "$WORK/forge.py" "$ADDR_A" junk 20000 &
FORGE2=$!
ip netns exec "$C1" python3 "$WORK/forge.py" "$ADDR_A" resets 20000 &
FORGE3=$!
if ping_ok "$C0" 10.8.0.1 56 20; then
	pass "the client's pings all pass during forged peer-id, junk and reset floods"
else
	fail "client traffic disturbed by the floods"
fi
wait "$FORGE" "$FORGE2" "$FORGE3"
line=$(grep 'Dropped:' "$WORK/server.log" | tail -1)
kill -USR2 "$PID_S"
sleep 0.5
line=$(grep 'Dropped:' "$WORK/server.log" | tail -1)
bad=$(echo "$line" | sed -n 's/.*bad peer-id \([0-9]*\).*/\1/p')
if [ "${bad:-0}" -gt 1000 ] && ! grep -q 'floated' "$WORK/server.log" && ping_ok "$C0" 10.8.0.1; then
	pass "forged DATA_V2 counted ($bad bad peer-id), no float, client still fine"
else
	fail "forged peer-ids: '$line'"
fi
if grep -q 'client-instance exiting' "$WORK/server.log"; then
	fail "a client session ended during the floods"
else
	pass "no client session was disturbed"
fi
stop_pid "$PID_C"
stop_pid "$PID_S"

# 3. TCP: connections that never speak are closed after --hand-window, and
# the number of them is bounded by --max-clients
start_in "$NS_A" "$WORK/tcp.log" "$OPENVPN_BIN" --mode server --tls-server \
	--server 10.8.0.0 255.255.255.0 --topology subnet --dev "tun$UNIQ" --proto tcp-server \
	--port 1194 --max-clients 8 --hand-window 3 --dh none \
	--ca "$P/ca.crt" --cert "$P/server.crt" --key "$P/server.key" --verb 3
PID_S=$LAST_PID
wait_log "$WORK/tcp.log" 'Initialization Sequence Completed' 10 || fail "tcp server did not start"
ip netns exec "$C1" python3 - "$ADDR_A" <<'EOF' &
import socket, sys, time
conns = []
for i in range(30):
    try:
        conns.append(socket.create_connection((sys.argv[1], 1194), timeout=2))
    except OSError:
        pass
time.sleep(8)
EOF
IDLE=$!
for _ in $(seq 50); do
	[ "$(grep -c 'TCP connection established' "$WORK/tcp.log")" -ge 8 ] && break
	sleep 0.1
done
kill -USR2 "$PID_S"
sleep 0.5
hs=$(grep 'SERVER STATISTICS' "$WORK/tcp.log" | tail -1 | sed -n 's/.*connected, \([0-9]*\) in handshake.*/\1/p')
if [ "${hs:-0}" -ge 1 ] && [ "${hs:-99}" -le 8 ] &&
	grep -q 'would exceed maximum number of clients (8)' "$WORK/tcp.log"; then
	pass "30 idle TCP connections: $hs held, the rest refused (--max-clients 8)"
else
	fail "idle TCP connections held: ${hs:-?}"
fi
sleep 5
kill -USR2 "$PID_S"
sleep 0.5
hs=$(grep 'SERVER STATISTICS' "$WORK/tcp.log" | tail -1 | sed -n 's/.*connected, \([0-9]*\) in handshake.*/\1/p')
if [ "${hs:-99}" = 0 ] && grep -q 'closing (tls-error)\|hand-window\|TLS key negotiation failed' "$WORK/tcp.log"; then
	pass "idle TCP connections closed after --hand-window"
else
	fail "idle TCP connections still held after --hand-window: ${hs:-?}"
fi
wait "$IDLE" 2>/dev/null
start_in "$C0" "$WORK/tcpclient.log" "$DEBIAN_OPENVPN" --client --dev "tun$UNIQ" --proto tcp-client \
	--remote "$ADDR_A" 1194 --ca "$P/ca.crt" --cert "$P/client.crt" --key "$P/client.key" --verb 3
PID_C=$LAST_PID
if wait_log "$WORK/tcpclient.log" 'Initialization Sequence Completed' 30 && ping_ok "$C0" 10.8.0.1; then
	pass "a Debian TCP client connects afterwards"
else
	fail "no TCP client after the idle connections"
fi
finish
