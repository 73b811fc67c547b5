#!/bin/sh
# Build Debian's reference DCO module (ovpn-dco-v2.ko, package
# openvpn-dco-dkms) for the guest kernel, cached under $VM_CACHE.
#
#   build-ref-module.sh               build if needed, print the .ko path
#   build-ref-module.sh --fetch-only  only fetch and unpack the source
#
# The package is never installed: its .deb is fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into the cache.
# DCO_SRC may point at an already unpacked source tree (the directory
# holding dkms.conf). Exit 77 with "SKIP: ..." when something is missing.
set -eu
. "$(dirname "$0")/common.sh"

skip() { echo "SKIP: $*"; exit 77; }

fetch_only=0
[ "${1:-}" = --fetch-only ] && fetch_only=1

mkdir -p "$VM_CACHE"
VM_CACHE=$(cd "$VM_CACHE" && pwd)
TMPS=""
cleanup() {
	for t in $TMPS; do rm -rf "$t"; done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

find_src() {
	for d in "$VM_CACHE"/dco-src/usr/src/ovpn-dco-*; do
		[ -f "$d/dkms.conf" ] && { echo "$d"; return 0; }
	done
	return 1
}

if [ -n "${DCO_SRC:-}" ]; then
	[ -f "$DCO_SRC/dkms.conf" ] || skip "DCO_SRC=$DCO_SRC has no dkms.conf"
	src=$DCO_SRC
elif ! src=$(find_src); then
	command -v apt-get >/dev/null 2>&1 || skip "apt-get missing, cannot fetch openvpn-dco-dkms source"
	command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb missing, cannot unpack openvpn-dco-dkms"
	tmp=$(mktemp -d "$VM_CACHE/fetch.XXXXXX")
	TMPS="$TMPS $tmp"
	if ! (cd "$tmp" && apt-get download -q openvpn-dco-dkms) >"$tmp/log" 2>&1; then
		sed 's/^/  /' "$tmp/log" >&2
		skip "cannot fetch openvpn-dco-dkms source (apt-get download failed; run scripts/install-deps.sh)"
	fi
	mkdir "$tmp/x"
	dpkg-deb -x "$tmp"/openvpn-dco-dkms_*.deb "$tmp/x"
	# another run may have won the race; either tree is fine
	mv "$tmp/x" "$VM_CACHE/dco-src" 2>/dev/null || true
	src=$(find_src) || skip "openvpn-dco-dkms package has no usr/src/ovpn-dco-*/dkms.conf"
	vm_log "unpacked $(basename "$src") into $VM_CACHE/dco-src"
fi
[ "$fetch_only" = 1 ] && exit 0

kver=$(vm_pick_kver)
[ -n "$kver" ] || skip "no /boot/vmlinuz-*-amd64 with matching /usr/src/linux-headers-* (apt-get install linux-image-amd64 linux-headers-amd64)"
[ -f "/usr/src/linux-headers-$kver/Makefile" ] || skip "headers for $kver missing"
command -v make >/dev/null 2>&1 || skip "make missing"

pkgver=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$src/dkms.conf")
out="$VM_CACHE/ref-$kver"
stamp="$pkgver $kver $(stat -c %Y "/usr/src/linux-headers-$kver/Makefile")"
if [ -f "$out/ovpn-dco-v2.ko" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$out/ovpn-dco-v2.ko"
	exit 0
fi

bld=$(mktemp -d "$VM_CACHE/build.XXXXXX")
TMPS="$TMPS $bld"
cp -R "$src/." "$bld/"
vm_log "building ovpn-dco-v2.ko $pkgver for $kver"
if ! make -C "$bld" KERNEL_SRC="/usr/src/linux-headers-$kver" VER="$kver" \
	REVISION="$pkgver" >"$bld/build.log" 2>&1; then
	tail -n 30 "$bld/build.log" >&2
	echo "FAIL: building the reference module failed" >&2
	exit 1
fi
ko=$(find "$bld" -name ovpn-dco-v2.ko | head -n 1)
[ -n "$ko" ] || { echo "FAIL: build produced no ovpn-dco-v2.ko" >&2; exit 1; }
mkdir -p "$out"
cp "$ko" "$out/ovpn-dco-v2.ko.tmp.$$"
mv "$out/ovpn-dco-v2.ko.tmp.$$" "$out/ovpn-dco-v2.ko"
echo "$stamp" >"$out/stamp"
echo "$out/ovpn-dco-v2.ko"
