#!/bin/sh
# Build the self-contained initramfs for the test VM.
#
#   mkinitramfs.sh OUTPUT.cpio.gz
#
# Environment:
#   KVER           guest kernel version (default: see common.sh)
#   REF_MODULE     Debian's reference ovpn-dco-v2.ko (from build-ref-module.sh);
#                  shipped as /vmtest/modules/ref/ (optional)
#   EXTRA_MODULE   another DCO module, e.g. our own; shipped as
#                  /vmtest/modules/extra/ (optional)
#   EXTRA_KMODS    more kernel module names to ship from /lib/modules/$KVER
#   EXTRA_BINS     more programs to ship, each as /usr/local/bin/<basename>
#   OURS           our daemon binary; shipped as /usr/local/sbin/openvpn-ours
#                  (optional: scenarios that need it SKIP without it)
#   DEB_OPENVPN    Debian's openvpn (default /usr/sbin/openvpn)
#   SCENARIO_DIR   scenario scripts to ship (default: scenarios/ next to this)
#
# Layout is usr-merged like the host (bin -> usr/bin, lib -> usr/lib, ...),
# so the library paths ldd prints are where the guest's loader looks.
set -eu
. "$(dirname "$0")/common.sh"

[ $# -eq 1 ] || { echo "usage: $0 OUTPUT.cpio.gz" >&2; exit 2; }
out=$1
KVER=$(vm_pick_kver)
[ -n "$KVER" ] || { echo "SKIP: no guest kernel with headers and modules found"; exit 77; }
MODSRC=/lib/modules/$KVER
DEB_OPENVPN=${DEB_OPENVPN:-/usr/sbin/openvpn}
SCENARIO_DIR=${SCENARIO_DIR:-$VM_DIR/scenarios}

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/vminitrd.XXXXXX")
cleanup() { rm -rf "$STAGE"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- layout -----------------------------------------------------------------
mkdir -p "$STAGE/usr/bin" "$STAGE/usr/sbin" "$STAGE/usr/lib" "$STAGE/usr/lib64" \
	"$STAGE/usr/local/sbin" "$STAGE/dev" "$STAGE/proc" "$STAGE/sys" "$STAGE/tmp" \
	"$STAGE/run" "$STAGE/etc" "$STAGE/root" "$STAGE/var" "$STAGE/vmtest/modules"
ln -s usr/bin "$STAGE/bin"
ln -s usr/sbin "$STAGE/sbin"
ln -s usr/lib "$STAGE/lib"
ln -s usr/lib64 "$STAGE/lib64"
ln -s ../run "$STAGE/var/run"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
	>"$STAGE/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$STAGE/etc/group"
printf '127.0.0.1 localhost\n' >"$STAGE/etc/hosts"

# copy_bin SRC DEST: the binary (symlinks resolved) plus every shared
# library ldd lists, at the path ldd prints, plus the dynamic loader.
copy_bin() {
	mkdir -p "$STAGE$(dirname "$2")"
	cp -L "$1" "$STAGE$2"
	ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' |
		while read -r lib; do
			[ -e "$STAGE$lib" ] && continue
			mkdir -p "$STAGE$(dirname "$lib")"
			cp -L "$lib" "$STAGE$lib"
		done
}

need() { command -v "$1" >/dev/null 2>&1 || { echo "SKIP: $1 missing on the host ($2)"; exit 77; }; }

resolve() { readlink -f "$(command -v "$1")"; }

# ---- programs ---------------------------------------------------------------
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || { echo "SKIP: busybox missing (apt-get install busybox-static)"; exit 77; }
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	echo "SKIP: $BUSYBOX is not static (apt-get install busybox-static)"
	exit 77
fi
need kmod "apt-get install kmod"
need ip "apt-get install iproute2"
cp "$BUSYBOX" "$STAGE/usr/bin/busybox"
copy_bin "$(resolve kmod)" /usr/bin/kmod
for t in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -s /usr/bin/kmod "$STAGE/usr/sbin/$t"
done
copy_bin "$(resolve ip)" /usr/sbin/ip
for p in iperf3 ping wg; do
	command -v "$p" >/dev/null 2>&1 || continue
	# busybox has a ping too; only take a real one
	"$BUSYBOX" cmp -s "$(resolve "$p")" "$BUSYBOX" && continue
	copy_bin "$(resolve "$p")" "/usr/bin/$p"
done
for p in ${EXTRA_BINS:-}; do
	copy_bin "$p" "/usr/local/bin/$(basename "$p")"
done
if [ -x "$DEB_OPENVPN" ]; then
	copy_bin "$DEB_OPENVPN" /usr/sbin/openvpn
else
	vm_log "warning: $DEB_OPENVPN missing, scenarios using Debian's openvpn will skip"
fi
if [ -n "${OURS:-}" ]; then
	[ -x "$OURS" ] || { echo "FAIL: OURS=$OURS is not an executable" >&2; exit 1; }
	copy_bin "$OURS" /usr/local/sbin/openvpn-ours
fi
# every busybox applet that no real program above provides
"$BUSYBOX" --list-full | while read -r app; do
	[ -e "$STAGE/$app" ] || [ -L "$STAGE/$app" ] || ln -s /usr/bin/busybox "$STAGE/$app"
done

# ---- kernel modules ---------------------------------------------------------
MODDST=$STAGE/lib/modules/$KVER
mkdir -p "$MODDST"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$MODSRC/$f" ] && cp "$MODSRC/$f" "$MODDST/"
done
# copy_kmod RELPATH: one module from the host tree plus its dependencies
copy_kmod() {
	[ -f "$MODDST/$1" ] && return 0
	mkdir -p "$(dirname "$MODDST/$1")"
	cp "$MODSRC/$1" "$MODDST/$1"
	for dep in $(sed -n "s#^$1:##p" "$MODSRC/modules.dep"); do
		copy_kmod "$dep"
	done
}
# kmod_path NAME: module path relative to the tree, empty if built in/absent
kmod_path() {
	n=$(echo "$1" | tr _ -)
	u=$(echo "$1" | tr - _)
	sed -n "s#^\(.*/\($n\|$u\)\.ko[.a-z]*\):.*#\1#p" "$MODSRC/modules.dep" | head -n 1
}
for d in kernel/crypto kernel/arch/x86/crypto kernel/lib/crypto; do
	[ -d "$MODSRC/$d" ] || continue
	for ko in $(cd "$MODSRC" && find "$d" -name '*.ko*'); do
		copy_kmod "$ko"
	done
done
DCO_DEPS=""
for m in "${REF_MODULE:-}" "${EXTRA_MODULE:-}"; do
	[ -n "$m" ] || continue
	DCO_DEPS="$DCO_DEPS $(/sbin/modinfo -F depends "$m" | tr , ' ')"
done
for name in tun veth udp_tunnel ip6_udp_tunnel $DCO_DEPS ${EXTRA_KMODS:-}; do
	p=$(kmod_path "$name")
	if [ -n "$p" ]; then
		copy_kmod "$p"
	elif ! grep -q "/$name.ko\$" "$MODSRC/modules.builtin" 2>/dev/null &&
		! grep -q "/$(echo "$name" | tr _ -).ko\$" "$MODSRC/modules.builtin" 2>/dev/null; then
		vm_log "warning: kernel module $name not found for $KVER"
	fi
done
/sbin/depmod -b "$STAGE" "$KVER"

# DCO modules live outside the depmod tree: a scenario loads the one it
# wants explicitly (lib.sh load_dco), so two modules with the same name
# or aliases never compete.
if [ -n "${REF_MODULE:-}" ]; then
	mkdir -p "$STAGE/vmtest/modules/ref"
	cp "$REF_MODULE" "$STAGE/vmtest/modules/ref/"
fi
if [ -n "${EXTRA_MODULE:-}" ]; then
	mkdir -p "$STAGE/vmtest/modules/extra"
	cp "$EXTRA_MODULE" "$STAGE/vmtest/modules/extra/"
fi

# ---- scenarios, PKI, init ---------------------------------------------------
mkdir -p "$STAGE/vmtest/scenarios"
cp "$SCENARIO_DIR"/*.sh "$STAGE/vmtest/scenarios/"
if command -v openssl >/dev/null 2>&1 && [ -x "$VM_DIR/../netns/pki.sh" ]; then
	"$VM_DIR/../netns/pki.sh" "$STAGE/vmtest/pki" >/dev/null
	if [ -x "$DEB_OPENVPN" ]; then
		"$DEB_OPENVPN" --genkey secret "$STAGE/vmtest/pki/ta.key" >/dev/null 2>&1 || true
	fi
else
	vm_log "warning: no openssl or tests/netns/pki.sh: no test PKI, TLS scenarios will skip"
fi
cp "$VM_DIR/init.sh" "$STAGE/init"
chmod 755 "$STAGE/init"
{
	echo "KVER=$KVER"
	echo "REF_MODULE=$(basename "${REF_MODULE:-none}")"
	echo "EXTRA_MODULE=$(basename "${EXTRA_MODULE:-none}")"
	echo "OURS=$([ -n "${OURS:-}" ] && echo yes || echo no)"
} >"$STAGE/vmtest/info"

# ---- archive ----------------------------------------------------------------
tmpout="$out.tmp.$$"
if command -v cpio >/dev/null 2>&1; then
	CPIO="cpio -o -H newc --quiet"
else
	CPIO="$BUSYBOX cpio -o -H newc"
fi
(cd "$STAGE" && find . | LC_ALL=C sort | $CPIO) | gzip -1 >"$tmpout"
mv "$tmpout" "$out"
vm_log "$out: $(du -k "$out" | cut -f1) KiB, kernel $KVER"
