#!/bin/bash
# Client options that configs from common installers carry, against
# Debian's openvpn 2.6 server (its sample server.conf with an
# auth-user-pass-verify script): ignore-unknown-option and "setenv opt"
# for a pushed Windows-only option, auth-nocache (the password file is read
# again after the server restarts; without it the first password is kept,
# as 2.6 keeps it), auth-retry none and nointeract, push-peer-info, and
# <connection> blocks with a dead first server.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
require_debian_samples
netns_pair || { fail "namespace setup"; finish; }

# The server's check: log "user password" and refuse the password "bad".
cat >"$WORK/auth.sh" <<'EOF'
#!/bin/sh
{ read -r u; read -r p; } <"$1"
echo "$u $p" >>"$(dirname "$0")/auth.log"
[ "$p" != bad ]
EOF
chmod 755 "$WORK/auth.sh"
chmod 755 "$WORK"
sed -e "s|^ifconfig-pool-persist .*|ifconfig-pool-persist $WORK/ipp.txt|" \
	-e "s|^status .*|status $WORK/status.log|" -e 's/^verb 3/verb 4/' \
	"$EX/sample-config-files/server.conf" >"$WORK/server.conf"
# (the sample files end without a newline)
cat >>"$WORK/server.conf" <<EOF

push "block-outside-dns"
script-security 2
auth-user-pass-verify $WORK/auth.sh via-file
tmp-dir $WORK
EOF

start_server() {
	start_in "$NS_A" "$WORK/server.log" "$DEBIAN_OPENVPN" --cd "$KEYS" --config "$WORK/server.conf"
	PID_S=$LAST_PID
	wait_log "$WORK/server.log" 'Initialization Sequence Completed' 15 || fail "Debian server did not start"
}

# client_conf NAME EXTRA: Debian's sample client.conf, our server, EXTRA lines.
client_conf() {
	sed -e "s|^remote my-server-1 1194|remote $ADDR_A 1194|" \
		"$EX/sample-config-files/client.conf" >"$WORK/$1.conf"
	printf '\n%s\n' "$2" >>"$WORK/$1.conf"
}

start_client() {
	start_in "$NS_B" "$WORK/$1.log" "$OPENVPN_BIN" --cd "$KEYS" --config "$WORK/$1.conf"
	PID_C=$LAST_PID
}

# connects NAME [count]: the count-th "Initialization Sequence Completed"
connects() {
	local n=${2:-1} i
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c 'Initialization Sequence Completed' "$WORK/$1.log")" -ge "$n" ] && return 0
		sleep 0.1
	done
	echo "  no connect #$n; last lines:"; tail -n 12 "$WORK/$1.log" | sed 's/^/    | /'
	return 1
}

last_auth() { tail -n 1 "$WORK/auth.log" 2>/dev/null; }

# server_restart: SIGHUP; 2.6 tells its UDP clients to reconnect (RESTART)
server_restart() {
	local n
	n=$(grep -c 'Initialization Sequence Completed' "$WORK/server.log")
	kill -HUP "$PID_S"
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c 'Initialization Sequence Completed' "$WORK/server.log")" -gt "$n" ] && return 0
		sleep 0.1
	done
	fail "server did not come back after SIGHUP"
}

start_server

# 1. an installer's client config: a pushed Windows option is marked
#    optional twice; credentials from a file, forgotten after use
printf 'alice\nfirst\n' >"$WORK/up.txt"
# connect-retry 5: reconnect once the restarted server listens (the old
# one ignores clients for 2 s after its RESTART, and 2.6 does not answer a
# retransmitted reset)
client_conf nocache "connect-retry 5
ignore-unknown-option block-outside-dns
setenv opt block-outside-dns
auth-user-pass $WORK/up.txt
auth-nocache
auth-retry nointeract
push-peer-info
setenv UV_INSTALLER test-1"
start_client nocache
if connects nocache && ping_ok "$NS_B" 10.8.0.1; then
	pass "ignore-unknown-option + setenv opt block-outside-dns: connected, ping 10.8.0.1"
else
	fail "client with ignore-unknown-option did not connect or ping"
fi
grep -q "block-outside-dns" "$WORK/nocache.log" && ! grep -q 'ERROR' "$WORK/nocache.log" &&
	pass "pushed block-outside-dns dropped without an error" ||
	fail "block-outside-dns handling: $(grep -m2 'block-outside\|ERROR' "$WORK/nocache.log")"
[ "$(last_auth)" = "alice first" ] && pass "server checked 'alice first'" ||
	fail "server's auth script saw '$(last_auth)'"
if grep -q 'peer info: IV_SSL=OpenSSL' "$WORK/server.log" &&
	grep -q 'peer info: IV_PLAT_VER=' "$WORK/server.log" &&
	grep -q 'peer info: UV_INSTALLER=test-1' "$WORK/server.log"; then
	pass "push-peer-info: IV_SSL, IV_PLAT_VER and UV_INSTALLER reached the server"
else
	fail "push-peer-info: $(grep 'peer info' "$WORK/server.log" | tr '\n' ';')"
fi
printf 'alice\nsecond\n' >"$WORK/up.txt"
server_restart
if connects nocache 2 && [ "$(last_auth)" = "alice second" ]; then
	pass "auth-nocache: after the server restart the changed file was read ('alice second')"
else
	fail "auth-nocache: server saw '$(last_auth)' after the restart"
fi
stop_pid "$PID_C"

# 1b. the same without auth-nocache: 2.6 keeps what it read first
printf 'bob\nfirst\n' >"$WORK/up.txt"
client_conf cache "auth-user-pass $WORK/up.txt
connect-retry 5"
start_client cache
connects cache || fail "cache: no first connect"
printf 'bob\nsecond\n' >"$WORK/up.txt"
server_restart
if connects cache 2 && [ "$(last_auth)" = "bob first" ]; then
	pass "without auth-nocache the first credentials are kept across the restart"
else
	fail "without auth-nocache the server saw '$(last_auth)'"
fi
stop_pid "$PID_C"

# 2. auth-retry none (the default): AUTH_FAILED ends the client
printf 'carol\nbad\n' >"$WORK/up.txt"
client_conf none "auth-user-pass $WORK/up.txt
auth-retry none"
start_client none
if wait_log "$WORK/none.log" 'AUTH_FAILED' 30 && wait_gone "$PID_C" 10; then
	pass "auth-retry none: exited after AUTH_FAILED"
else
	fail "auth-retry none: still running after AUTH_FAILED"
	stop_pid "$PID_C"
fi

# 3. auth-retry nointeract: keeps trying; with auth-nocache a fixed file wins
printf 'dave\nbad\n' >"$WORK/up.txt"
client_conf retry "auth-user-pass $WORK/up.txt
auth-retry nointeract
auth-nocache"
start_client retry
wait_log "$WORK/retry.log" 'AUTH_FAILED' 30 || fail "nointeract: no AUTH_FAILED"
printf 'dave\ngood\n' >"$WORK/up.txt"
if connects retry && kill -0 "$PID_C" 2>/dev/null && [ "$(last_auth)" = "dave good" ]; then
	pass "auth-retry nointeract: retried after AUTH_FAILED and connected with the fixed file"
else
	fail "auth-retry nointeract: did not retry and connect (server saw '$(last_auth)')"
fi
stop_pid "$PID_C"

# 4. <connection> blocks: nothing answers on the first; the second works
sed -e "/^remote my-server-1 /d" "$EX/sample-config-files/client.conf" >"$WORK/conn.conf"
cat >>"$WORK/conn.conf" <<EOF

auth-user-pass $WORK/up.txt
<connection>
remote $ADDR_A 1195 udp
connect-timeout 3
</connection>
<connection>
remote $ADDR_A 1194
proto udp
</connection>
EOF
start_client conn
if connects conn && grep -q "Server poll timeout" "$WORK/conn.log" &&
	ping_ok "$NS_B" 10.8.0.1; then
	pass "<connection>: first server silent (poll timeout 3 s), connected on the second, ping"
else
	fail "<connection>: $(grep -m3 'poll\|Initialization\|ERROR' "$WORK/conn.log" | tr '\n' ';')"
fi
stop_pid "$PID_C"
stop_pid "$PID_S"
finish
