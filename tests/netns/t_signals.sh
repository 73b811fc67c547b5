#!/bin/bash
# Signals and process options: SIGUSR2 statistics, SIGUSR1 soft restart,
# SIGHUP re-reading the config, --remap-usr1, --daemon/--log/--writepid,
# --user/--group.
. "$(dirname "$0")/lib.sh"

require_root
require_daemon
netns_pair || { fail "namespace setup"; finish; }

TUN_A=10.204.$OCTET.1
TUN_B=10.204.$OCTET.2
CONF_A="$WORK/a.conf"
cat >"$CONF_A" <<CONF
dev tuna$UNIQ
ifconfig $TUN_A $TUN_B
remote $ADDR_B
ping 1
verb 3
CONF

start_in "$NS_B" "$WORK/b.log" "$OPENVPN_BIN" --dev "tunb$UNIQ" --ifconfig "$TUN_B" "$TUN_A" \
	--remote "$ADDR_A" --ping 1 --verb 3
PID_B=$LAST_PID
start_in "$NS_A" "$WORK/a.log" "$OPENVPN_BIN" --config "$CONF_A" --persist-tun
PID_A=$LAST_PID
wait_log "$WORK/a.log" 'Initialization Sequence Completed' 10 && ping_ok "$NS_A" "$TUN_B" ||
	fail "tunnel did not come up"

# SIGUSR2: statistics with non-zero byte counters after traffic
kill -USR2 "$PID_A"
if wait_log "$WORK/a.log" 'TUN/TAP write bytes,[1-9]' 5; then
	pass "SIGUSR2 logs statistics ($(grep -c 'OpenVPN STATISTICS' "$WORK/a.log") report)"
else
	fail "SIGUSR2 statistics missing"
fi

# SIGUSR1: soft restart keeps the persistent tun and the tunnel works again
kill -USR1 "$PID_A"
if wait_log "$WORK/a.log" 'SIGUSR1\[soft,SIGUSR1\] received, process restarting' 5 &&
	wait_log "$WORK/a.log" 'Preserving previous TUN/TAP instance' 10 &&
	[ "$(grep -c 'Initialization Sequence Completed' "$WORK/a.log")" -ge 2 ] &&
	ping_ok "$NS_A" "$TUN_B" 56 5; then
	pass "SIGUSR1 soft restart, tun preserved, traffic flows again"
else
	fail "SIGUSR1 soft restart"
fi

# SIGHUP: the config is read again; a route added to the file appears
echo "route 10.205.$OCTET.0 255.255.255.0" >>"$CONF_A"
kill -HUP "$PID_A"
for _ in $(seq 50); do
	ip -n "$NS_A" route | grep -q "10.205.$OCTET.0/24" && break
	sleep 0.2
done
if ip -n "$NS_A" route | grep -q "10.205.$OCTET.0/24" && ping_ok "$NS_A" "$TUN_B" 56 5; then
	pass "SIGHUP re-read the config (new route installed, traffic flows)"
else
	fail "SIGHUP did not apply the changed config"
fi

# SIGTERM: clean exit, nothing left
stop_pid "$PID_A" && ! ip -n "$NS_A" link show "tuna$UNIQ" >/dev/null 2>&1 &&
	! ip -n "$NS_A" route | grep -q "10.205.$OCTET.0" &&
	pass "SIGTERM: exit, tun and routes removed" || fail "SIGTERM cleanup"

# --remap-usr1: SIGUSR1 becomes a config re-read (SIGHUP) or an exit (SIGTERM)
for sig in SIGHUP SIGTERM; do
	log="$WORK/remap-$sig.log"
	start_in "$NS_A" "$log" "$OPENVPN_BIN" --config "$CONF_A" --remap-usr1 "$sig"
	pid=$LAST_PID
	wait_log "$log" 'Initialization Sequence Completed' 10 || fail "--remap-usr1 $sig: no tunnel"
	kill -USR1 "$pid"
	if [ "$sig" = SIGHUP ] && wait_log "$log" 'the restart becomes SIGHUP' 5 &&
		wait_log "$log" 'Closing TUN/TAP interface' 5 &&
		for _ in $(seq 50); do
			[ "$(grep -c 'Initialization Sequence Completed' "$log")" -ge 2 ] && break
			sleep 0.2
		done && [ "$(grep -c 'Initialization Sequence Completed' "$log")" -ge 2 ] &&
		ping_ok "$NS_A" "$TUN_B" 56 5; then
		pass "--remap-usr1 SIGHUP: SIGUSR1 re-read the config, tun reopened, traffic flows"
	elif [ "$sig" = SIGTERM ] && wait_log "$log" 'the restart becomes SIGTERM' 5 &&
		wait_gone "$pid" 5 && ! ip -n "$NS_A" link show "tuna$UNIQ" >/dev/null 2>&1; then
		pass "--remap-usr1 SIGTERM: SIGUSR1 made the daemon exit and remove its tun"
	else
		fail "--remap-usr1 $sig (log $log)"
	fi
	stop_pid "$pid"
done
out=$("$OPENVPN_BIN" --remap-usr1 SIGINT 2>&1) && fail "--remap-usr1 SIGINT accepted" ||
	{ grep -q "'SIGINT' is not SIGHUP or SIGTERM" <<<"$out" && pass "--remap-usr1 SIGINT refused" ||
		fail "--remap-usr1 SIGINT: $out"; }

# --daemon --log --writepid --user nobody --group nogroup (privileges dropped)
PIDFILE="$WORK/ovpn.pid"
ip netns exec "$NS_A" "$OPENVPN_BIN" --dev "tuna$UNIQ" --ifconfig "$TUN_A" "$TUN_B" \
	--remote "$ADDR_B" --ping 1 --verb 3 --daemon --log "$WORK/daemon.log" \
	--writepid "$PIDFILE" --user nobody --group nogroup
rc=$?
if [ $rc = 0 ] && wait_log "$WORK/daemon.log" 'Initialization Sequence Completed' 10 &&
	[ -s "$PIDFILE" ]; then
	DPID=$(cat "$PIDFILE")
	PIDS+=("$DPID")
	uid=$(awk '/^Uid:/ {print $2}' "/proc/$DPID/status")
	if [ "$uid" = "$(id -u nobody)" ] && ping_ok "$NS_A" "$TUN_B"; then
		pass "--daemon/--log/--writepid/--user: pid $DPID runs as uid $uid, traffic flows"
	else
		fail "daemon runs as uid $uid, or no traffic"
	fi
	stop_pid "$DPID"
	[ ! -e "$PIDFILE" ] || echo "  note: pid file kept (not removable after dropping privileges)"
else
	fail "--daemon start (rc=$rc)"
fi
finish
