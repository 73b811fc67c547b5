#!/bin/sh
# Install the Debian packages needed to build, test and demo the daemon.
# Only packages that are missing are installed. Needs root.
# The kernel packages are for the VM tests (tests/vm): the module is loaded in
# a qemu guest, never on this machine. openvpn-dco-dkms is deliberately not
# installed (its DKMS hook would build for the running kernel);
# tests/vm/build-ref-module.sh fetches and unpacks its source with
# apt-get download + dpkg-deb -x. Set VM_CACHE to prefetch it here.
set -e
PKGS="build-essential autoconf automake libtool pkg-config libssl-dev liblz4-dev
libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libcmocka-dev
iproute2 iputils-ping openssl openvpn iperf3 tcpdump python3-docutils
clang libclang-rt-14-dev
qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static kmod cpio"
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
# apt-get download needs the package lists to know openvpn-dco-dkms.
if ! apt-cache show openvpn-dco-dkms >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	apt-get update -q
fi
if [ -n "${VM_CACHE:-}" ]; then
	"$(dirname "$0")/../tests/vm/build-ref-module.sh" --fetch-only
fi
