#!/bin/bash
# Command line and config file errors: one clear line with file:line, exit 1,
# nothing started. Also --version and --help.
. "$(dirname "$0")/lib.sh"

require_daemon

# expect LABEL WANT_RC REGEX command...
expect() {
	local label=$1 want_rc=$2 re=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -Eq -- "$re" <<<"$out"; then
		pass "$label"
	else
		fail "$label: rc=$rc (want $want_rc), output:"
		sed 's/^/    | /' <<<"$out" | head -n 20
	fi
}

cd "$WORK" || exit 1
printf 'dev tun\n# a comment\nprotoo udp\nverb 3\n' >typo.conf
expect "unknown option on line 3, with a suggestion" 1 \
	"typo\.conf:3: unknown option 'protoo'.*did you mean 'proto'" "$OPENVPN_BIN" --config typo.conf
printf 'dev tun\nfoo bar\n' >unknown.conf
expect "unknown option names file and line" 1 "unknown\.conf:2: unknown option 'foo'" \
	"$OPENVPN_BIN" --config unknown.conf
printf 'dev tun\nping\n' >args.conf
expect "missing argument names the expected count" 1 "args\.conf:2: .*ping.*1" \
	"$OPENVPN_BIN" --config args.conf
printf 'dev tun\nremote "unterminated\n' >quote.conf
expect "unterminated quote" 1 "quote\.conf:2: .*(quote|unterminated)" "$OPENVPN_BIN" --config quote.conf
printf 'dev tun\n<ca>\nabc\n' >inline.conf
expect "unterminated inline block" 1 "inline\.conf:2: .*ca" "$OPENVPN_BIN" --config inline.conf
expect "missing config file" 1 "nonexistent\.conf" "$OPENVPN_BIN" --config nonexistent.conf
expect "tls-server with tls-client" 1 "tls-(server|client)" \
	"$OPENVPN_BIN" --dev tun --tls-server --tls-client
expect "tap is rejected" 1 "tap.*not supported" "$OPENVPN_BIN" --dev tap
expect "bad integer" 1 "verb" "$OPENVPN_BIN" --dev tun --verb 3x
expect "--version" 0 "^openvpn-ng [0-9.]+ .*\[EPOLL\]" "$OPENVPN_BIN" --version
expect "--version shows library versions" 0 "library versions: OpenSSL 3" "$OPENVPN_BIN" --version
expect "--help lists options" 0 "--ifconfig" "$OPENVPN_BIN" --help
finish
