#!/bin/bash
# --ping-restart fires when the peer goes away; --ping-exit ends the process.
. "$(dirname "$0")/lib.sh"

require_root
require_daemon
netns_pair || { fail "namespace setup"; finish; }

TUN_A=10.203.$OCTET.1
TUN_B=10.203.$OCTET.2

start_peer_b() {
	start_in "$NS_B" "$WORK/b$1.log" "$OPENVPN_BIN" --dev "tunb$UNIQ" --ifconfig "$TUN_B" "$TUN_A" \
		--remote "$ADDR_A" --ping 1 --verb 3
	PID_B=$LAST_PID
}

# --ping-restart: A restarts after B disappears, then reconnects when B is back.
start_in "$NS_A" "$WORK/a.log" "$OPENVPN_BIN" --dev "tuna$UNIQ" --ifconfig "$TUN_A" "$TUN_B" \
	--remote "$ADDR_B" --ping 1 --ping-restart 3 --persist-tun --verb 3
PID_A=$LAST_PID
start_peer_b 1
if wait_log "$WORK/a.log" 'Initialization Sequence Completed' 10 && ping_ok "$NS_A" "$TUN_B"; then
	stop_pid "$PID_B"
	t0=$(date +%s)
	if wait_log "$WORK/a.log" 'Inactivity timeout \(--ping-restart\), restarting' 10; then
		dt=$(( $(date +%s) - t0 ))
		if [ $dt -ge 2 ] && [ $dt -le 6 ]; then
			pass "ping-restart fired after ${dt}s (configured 3s)"
		else
			fail "ping-restart fired after ${dt}s, expected about 3s"
		fi
	else
		fail "ping-restart did not fire"
	fi
	start_peer_b 2
	if wait_log "$WORK/b2.log" 'Initialization Sequence Completed' 10 && ping_ok "$NS_A" "$TUN_B" 56 5; then
		pass "tunnel works again after the restart"
	else
		fail "no traffic after the restart"
	fi
	stop_pid "$PID_B"
else
	fail "initial tunnel did not come up"
fi
stop_pid "$PID_A"

# --ping-exit: the process ends by itself.
start_in "$NS_A" "$WORK/exit.log" "$OPENVPN_BIN" --dev "tuna$UNIQ" --ifconfig "$TUN_A" "$TUN_B" \
	--remote "$ADDR_B" --ping 1 --ping-exit 2 --verb 3
PID_A=$LAST_PID
if wait_gone "$PID_A" 8 && grep -q 'Inactivity timeout (--ping-exit), exiting' "$WORK/exit.log"; then
	pass "ping-exit ended the process"
else
	fail "ping-exit did not end the process"
fi

# --connect-retry-max: a TCP client with nobody listening gives up
start_in "$NS_A" "$WORK/retry.log" "$OPENVPN_BIN" --dev "tuna$UNIQ" --ifconfig "$TUN_A" "$TUN_B" \
	--proto tcp-client --remote "$ADDR_B" --connect-retry 1 --connect-retry-max 3 --verb 3
PID_A=$LAST_PID
if wait_gone "$PID_A" 20 && grep -q 'connect-retry-max (3)' "$WORK/retry.log"; then
	pass "--connect-retry-max 3: gave up after $(grep -c 'Attempting to establish TCP' "$WORK/retry.log") attempts"
else
	fail "--connect-retry-max did not end the process"
fi

# --resolv-retry: an unresolvable --remote is retried, then fatal
start_in "$NS_A" "$WORK/resolv.log" "$OPENVPN_BIN" --dev "tuna$UNIQ" --ifconfig "$TUN_A" "$TUN_B" \
	--remote host.invalid --resolv-retry 2 --connect-retry 1 --verb 3
PID_A=$LAST_PID
if wait_gone "$PID_A" 20 && grep -q 'resolv-retry 2' "$WORK/resolv.log" &&
	[ "$(grep -c 'Cannot resolve host' "$WORK/resolv.log")" -ge 2 ]; then
	pass "--resolv-retry 2: $(grep -c 'Cannot resolve host' "$WORK/resolv.log") lookups, then exit"
else
	fail "--resolv-retry did not behave"
fi
finish
