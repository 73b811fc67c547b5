#!/bin/bash
# Peer certificate options against Debian's openvpn 2.6 in both roles: our
# daemon does the checking, as TLS server (Debian client) and as TLS client
# (Debian server). --remote-cert-eku, --remote-cert-ku, --ecdh-curve,
# PKI-less --peer-fingerprint with self-signed certificates, --verify-hash,
# --x509-username-field choosing the client-config-dir file, and the
# --x509-track variables that --tls-verify sees.
. "$(dirname "$0")/lib.sh"

require_root
require_debian_openvpn
require_daemon
command -v openssl >/dev/null || skip "openssl command missing (apt-get install openssl)"
netns_pair || { fail "namespace setup"; finish; }
"$(dirname "$0")/pki.sh" "$WORK/pki" || { fail "PKI generation"; finish; }
P=$WORK/pki
TUN_A=10.207.$OCTET.1
TUN_B=10.207.$OCTET.2
OURS=$OPENVPN_BIN
DEB=$DEBIAN_OPENVPN

# fp FILE [sha1|sha256]: the certificate's fingerprint as AB:CD:...
fp() {
	openssl x509 -in "$1" -noout -fingerprint -"${2:-sha256}" | sed 's/^.*=//'
}

# conf NAME LINES...: a config file in $WORK, one option per argument
conf() {
	local f=$WORK/$1.conf line
	shift
	: >"$f"
	for line in "$@"; do
		printf '%s\n' "$line" >>"$f"
	done
	echo "$f"
}

PKI_SERVER=("ca $P/ca.crt" "cert $P/server.crt" "key $P/server.key")
PKI_CLIENT=("ca $P/ca.crt" "cert $P/client.crt" "key $P/client.key")

# run_case LABEL BIN_SERVER BIN_CLIENT SERVER_CONF CLIENT_CONF [down REGEX LOG]
# P2P: the TLS server in A, the TLS client in B. "down": the tunnel must
# never come up, and the checking side's log (server|client) must match.
run_case() {
	local label=$1 bs=$2 bc=$3 cs=$4 cc=$5 expect=${6:-up} re=${7:-} who=${8:-}
	local log_a="$WORK/$label.server.log" log_b="$WORK/$label.client.log" pa pb ok=1

	start_in "$NS_A" "$log_a" "$bs" --dev "tun$UNIQ" --proto udp --remote "$ADDR_B" \
		--ifconfig "$TUN_A" "$TUN_B" --tls-server --dh none --verb 3 --config "$cs"
	pa=$LAST_PID
	sleep 0.3
	start_in "$NS_B" "$log_b" "$bc" --dev "tun$UNIQ" --proto udp --remote "$ADDR_A" \
		--ifconfig "$TUN_B" "$TUN_A" --tls-client --verb 3 --config "$cc"
	pb=$LAST_PID
	if [ "$expect" = down ]; then
		local log=$log_a
		[ "$who" = client ] && log=$log_b
		wait_log "$log" "$re" 15 || ok=0
		sleep 1
		if grep -q 'Initialization Sequence Completed' "$log_a" "$log_b" ||
			ping_ok "$NS_A" "$TUN_B" 56 1; then
			echo "  tunnel came up although it must not"
			ok=0
		fi
	else
		wait_log "$log_a" 'Initialization Sequence Completed' 20 || ok=0
		wait_log "$log_b" 'Initialization Sequence Completed' 20 || ok=0
		[ $ok = 1 ] && { ping_ok "$NS_A" "$TUN_B" 56 || { echo "  ping failed"; ok=0; }; }
	fi
	stop_pid "$pa" || ok=0
	stop_pid "$pb" || ok=0
	if [ $ok = 1 ]; then pass "$label"; else fail "$label (logs: $log_a $log_b)"; fi
	LOG_A=$log_a
	LOG_B=$log_b
}

# both_roles LABEL "OUR_EXTRA" [down REGEX] [PEER_CERT]: our server with the
# extra options checks a Debian client (cert PEER_CERT, default client),
# then our client checks a Debian server (cert server, or srv$PEER_CERT).
both_roles() {
	local label=$1 extra=$2 expect=${3:-up} re=${4:-} peer=${5:-}
	local ccert=${peer:-client} scert=${peer:+srv$peer}
	scert=${scert:-server}
	run_case "$label-ours-server" "$OURS" "$DEB" \
		"$(conf "$label-s1" "${PKI_SERVER[@]}" "$extra")" \
		"$(conf "$label-c1" "ca $P/ca.crt" "cert $P/$ccert.crt" "key $P/$ccert.key")" \
		"$expect" "$re" server
	run_case "$label-ours-client" "$DEB" "$OURS" \
		"$(conf "$label-s2" "ca $P/ca.crt" "cert $P/$scert.crt" "key $P/$scert.key")" \
		"$(conf "$label-c2" "${PKI_CLIENT[@]}" "${extra//Client/Server}")" \
		"$expect" "$re" client
}

# ---- --remote-cert-eku ------------------------------------------------------
# "Client" becomes "Server" for our client's side (see both_roles)
both_roles eku-name 'remote-cert-eku "TLS Web Client Authentication"'
both_roles eku-wrong 'remote-cert-eku "E-mail Protection"' down \
	"VERIFY EKU ERROR: the certificate's extended key usage lacks E-mail Protection"
both_roles eku-missing 'remote-cert-eku "TLS Web Client Authentication"' down \
	'VERIFY EKU ERROR: Certificate does not have extended key usage extension' nousage
# OID written numerically: 1.3.6.1.5.5.7.3.1 is serverAuth, our client only
run_case eku-oid-ours-client "$DEB" "$OURS" "$(conf eku-oid-s "${PKI_SERVER[@]}")" \
	"$(conf eku-oid-c "${PKI_CLIENT[@]}" "remote-cert-eku 1.3.6.1.5.5.7.3.1")"

# ---- --remote-cert-ku: the test certificates have 88 (digitalSignature,
# keyAgreement) ---------------------------------------------------------------
both_roles ku-match 'remote-cert-ku a0 88'
both_roles ku-present 'remote-cert-ku'
both_roles ku-wrong 'remote-cert-ku a0' down \
	'VERIFY KU ERROR: Certificate key usage 0088 lacks bits of every --remote-cert-ku value'
both_roles ku-missing 'remote-cert-ku' down \
	'VERIFY KU ERROR: Certificate does not have key usage extension' nousage

# ---- --ecdh-curve -----------------------------------------------------------
both_roles ecdh 'ecdh-curve secp384r1'
if grep -q 'peer temporary key: 384 bits EC, curve secp384r1' "$LOG_B"; then
	pass "ecdh-curve secp384r1: our client's key exchange used secp384r1"
else
	fail "ecdh-curve secp384r1 not used (log: $LOG_B)"
fi
log=$WORK/ecdh-bogus.log
ip netns exec "$NS_A" "$OURS" --dev "tun$UNIQ" --ifconfig "$TUN_A" "$TUN_B" --tls-server \
	--dh none --config "$(conf ecdh-bogus "${PKI_SERVER[@]}" "ecdh-curve bogus")" \
	--verb 3 >"$log" 2>&1 &
pid=$!
PIDS+=("$pid")
if wait_gone "$pid" 10 && grep -q "Cannot use --ecdh-curve 'bogus' (unknown curve or group name?)" "$log" &&
	! grep -q 'Initialization Sequence Completed' "$log"; then
	pass "ecdh-curve bogus refused at startup"
else
	fail "ecdh-curve bogus not refused (log: $log)"
fi

# ---- --peer-fingerprint without a CA (self-signed on both sides) -------------
FP_S=$(fp "$P/self-server.crt")
FP_C=$(fp "$P/self-client.crt")
FP_OTHER=$(fp "$P/server.crt")
SELF_S=("cert $P/self-server.crt" "key $P/self-server.key")
SELF_C=("cert $P/self-client.crt" "key $P/self-client.key")
# ours: the inline block with two entries; Debian: the option
run_case pkiless-ours-server "$OURS" "$DEB" \
	"$(conf pl-s1 "${SELF_S[@]}" "<peer-fingerprint>" "$FP_OTHER" "$FP_C" "</peer-fingerprint>")" \
	"$(conf pl-c1 "${SELF_C[@]}" "peer-fingerprint $FP_S")"
run_case pkiless-ours-client "$DEB" "$OURS" \
	"$(conf pl-s2 "${SELF_S[@]}" "peer-fingerprint $FP_C")" \
	"$(conf pl-c2 "${SELF_C[@]}" "peer-fingerprint $FP_S")"
run_case pkiless-wrong-ours-server "$OURS" "$DEB" \
	"$(conf pl-s3 "${SELF_S[@]}" "peer-fingerprint $FP_OTHER")" \
	"$(conf pl-c3 "${SELF_C[@]}" "peer-fingerprint $FP_S")" \
	down "VERIFY ERROR: --peer-fingerprint: CN=self-client has fingerprint" server
run_case pkiless-wrong-ours-client "$DEB" "$OURS" \
	"$(conf pl-s4 "${SELF_S[@]}" "peer-fingerprint $FP_C")" \
	"$(conf pl-c4 "${SELF_C[@]}" "peer-fingerprint $FP_OTHER")" \
	down "VERIFY ERROR: --peer-fingerprint: CN=self-server has fingerprint" client

# ---- --verify-hash: the CA's fingerprint ---------------------------------------
both_roles verify-hash-sha1 "verify-hash $(fp "$P/ca.crt" sha1)"
both_roles verify-hash-sha256 "verify-hash $(fp "$P/ca.crt") SHA256"
both_roles verify-hash-wrong "verify-hash $(fp "$P/client2.crt" sha1) SHA1" down \
	'VERIFY ERROR: --verify-hash: depth=1, CN=Test CA has fingerprint'

# ---- --x509-username-field emailAddress picks the ccd file ------------------------
mkdir -p "$WORK/ccd"
echo "ifconfig-push 10.208.$OCTET.50 255.255.255.0" >"$WORK/ccd/alice@example.org"
echo "ifconfig-push 10.208.$OCTET.60 255.255.255.0" >"$WORK/ccd/mailclient"
start_in "$NS_A" "$WORK/ccd-server.log" "$OURS" --dev "tun$UNIQ" --proto udp \
	--server 10.208.$OCTET.0 255.255.255.0 --topology subnet --dh none --verb 3 \
	--config "$(conf ccd-s "${PKI_SERVER[@]}" "x509-username-field emailAddress" \
		"client-config-dir $WORK/ccd")"
ps=$LAST_PID
start_in "$NS_B" "$WORK/ccd-client.log" "$DEB" --client --dev "tun$UNIQ" --proto udp \
	--remote "$ADDR_A" --verb 3 --remote-cert-tls server \
	--config "$(conf ccd-c "ca $P/ca.crt" "cert $P/mail.crt" "key $P/mail.key")"
pc=$LAST_PID
if wait_log "$WORK/ccd-client.log" 'Initialization Sequence Completed' 20 &&
	ip -n "$NS_B" -o -4 addr show | grep -q "10.208.$OCTET.50/" &&
	ping_ok "$NS_B" "10.208.$OCTET.1"; then
	pass "x509-username-field emailAddress: the client got its ccd file alice@example.org"
else
	fail "x509-username-field emailAddress: ccd file not used (logs: $WORK/ccd-server.log $WORK/ccd-client.log)"
fi
stop_pid "$pc"
stop_pid "$ps"

# ---- --x509-track: only the tracked attributes reach --tls-verify -------------
cat >"$WORK/track.sh" <<EOS
#!/bin/sh
env >"$WORK/track-\$1.env"
EOS
chmod +x "$WORK/track.sh"
run_case x509-track "$OURS" "$DEB" \
	"$(conf track-s "${PKI_SERVER[@]}" "script-security 2" "tls-verify $WORK/track.sh" \
		"x509-track +CN" "x509-track SHA256" "x509-track extendedKeyUsage")" \
	"$(conf track-c "ca $P/ca.crt" "cert $P/mail.crt" "key $P/mail.key")"
want_fp=$(fp "$P/mail.crt" | tr 'A-F' 'a-f')
e0=$WORK/track-0.env
e1=$WORK/track-1.env
if grep -qx 'X509_0_CN=mailclient' "$e0" && grep -qx "X509_0_SHA256=$want_fp" "$e0" &&
	grep -qx 'X509_0_extendedKeyUsage=TLS Web Client Authentication' "$e0" &&
	grep -qx 'X509_1_CN=Test CA' "$e1" && ! grep -q '^X509_1_SHA256=' "$e1" &&
	! grep -q '^X509_0_emailAddress=' "$e0" && grep -q '^tls_digest_sha256_0=' "$e0"; then
	pass "x509-track: +CN for the chain, SHA256 and extendedKeyUsage for the peer, nothing else"
else
	fail "x509-track variables (env: $e0 $e1)"
fi

finish
