#!/bin/sh
# Our daemon as a client (--client) with DCO against Debian's openvpn 2.6
# server with DCO, both on Debian's reference ovpn-dco-v2 module: the
# pushed peer-id and cipher reach the kernel, ping and a SHA-256-checked
# transfer work, and the bytes pass the ovpn-dco device, not our userspace.
. "$(dirname "$0")/lib.sh"

require_ours
require_bin "$DEB_OPENVPN"
require_pki
load_dco ref
netns_pair

SRV_NET=10.97.0
LOG_A=$WORK/server.log
LOG_B=$WORK/client.log
start_daemon "$NS_A" "$LOG_A" "$DEB_OPENVPN" --mode server --tls-server \
	--server "$SRV_NET.0" 255.255.255.0 --topology subnet --dev "$TUN_DEV" --dev-type tun \
	--proto udp --local "$ADDR_A" --lport 1194 --dh none --ca "$PKI/ca.crt" \
	--cert "$PKI/server.crt" --key "$PKI/server.key" --keepalive 2 20 --tun-mtu 1420 --verb 3
PID_A=$LAST_PID
wait_log "$LOG_A" "Initialization Sequence Completed" 20 || die "server did not start"
start_daemon "$NS_B" "$LOG_B" "$OURS_BIN" --client --dev "$TUN_DEV" --proto udp \
	--remote "$ADDR_A" 1194 --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
	--key "$PKI/client.key" --tun-mtu 1420 --verb 3
PID_B=$LAST_PID
wait_log "$LOG_B" "Initialization Sequence Completed" 30 || die "client did not connect"
ok "client connected"
check "server log says 'DCO device $TUN_DEV opened'" log_has "$LOG_A" "DCO device $TUN_DEV opened"
check "client log says 'DCO device $TUN_DEV opened'" log_has "$LOG_B" "DCO device $TUN_DEV opened"
check "client offloaded the pushed peer-id" log_has "$LOG_B" "DCO: data channel offloaded to $TUN_DEV \(ovpn-dco-v2\): peer-id 0,"
check "client: ip -d link shows $TUN_DEV as ovpn-dco" has_dco_link "$NS_B" "$TUN_DEV"
check "ping client -> server" ping_ok "$NS_B" "$SRV_NET.1"
check "5 MB server -> client with equal SHA-256" transfer_ok "$NS_A" "$SRV_NET.1" "$NS_B" 5
kill -USR2 "$PID_B"
check "client: kernel counters in the statistics" wait_log "$LOG_B" "DCO peer-id 0: VPN rx [1-9]" 10
check "client: userspace tun bytes stay 0" log_has "$LOG_B" "TUN/TAP read bytes,0$"
check "client exits on SIGTERM" stop_daemon "$PID_B"
check "client interface removed" log_has "$LOG_B" "Closing DCO interface $TUN_DEV"
check "server exits on SIGTERM" stop_daemon "$PID_A"
finish
