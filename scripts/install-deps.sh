#!/bin/sh
# Install the Debian packages needed to build, test and demo the daemon.
# Only packages that are missing are installed. Needs root.
set -e
PKGS="build-essential autoconf automake libtool pkg-config libssl-dev liblz4-dev
libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libcmocka-dev
iproute2 iputils-ping openssl openvpn iperf3 tcpdump python3-docutils
clang libclang-rt-14-dev"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi
