#!/bin/sh
# Data channel offload in a VM: build Debian's reference ovpn-dco-v2
# module (cached), an initramfs with both daemons and all scenarios, boot
# it once under qemu (TCG) and run every tests/vm/scenarios/*.sh.
# Exit 0 pass, 1 fail, 77 skip ("SKIP: <reason>" when qemu, the kernel
# image, its headers or the module source are missing).
#
# Honours OPENVPN_BIN (our daemon, set by `make check`), VM_CACHE,
# EXTRA_MODULE (another DCO module to ship, default: a single
# ovpn-dco/*.ko in the build tree if there is one) and everything run.sh
# reads (VM_TIMEOUT, VM_VERBOSE, ...).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

OPENVPN_BIN=${OPENVPN_BIN:-$here/../../src/openvpn/openvpn}
case $OPENVPN_BIN in
*/src/openvpn/openvpn) top_build=${OPENVPN_BIN%/src/openvpn/openvpn} ;;
*) top_build=$here/../.. ;;
esac
[ -d "$top_build" ] || top_build=$here/../..
top_build=$(cd "$top_build" && pwd)
VM_CACHE=${VM_CACHE:-$top_build/tests/vm/cache}
export VM_CACHE

skip() { echo "SKIP: $*"; exit 77; }
command -v qemu-system-x86_64 >/dev/null 2>&1 || [ -n "${QEMU:-}" ] ||
	skip "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
kver=$(vm_pick_kver)
[ -n "$kver" ] || skip "no /boot/vmlinuz-*-amd64 with matching headers and modules (apt-get install linux-image-amd64 linux-headers-amd64)"
[ -r "$(vm_kernel_image "$kver")" ] || skip "kernel image $(vm_kernel_image "$kver") not readable"
[ -x /bin/busybox ] || skip "busybox missing (apt-get install busybox-static)"
command -v kmod >/dev/null 2>&1 || skip "kmod missing (apt-get install kmod)"

rc=0
ref=$("$here/build-ref-module.sh") || rc=$?
if [ "$rc" -ne 0 ]; then
	# build-ref-module.sh printed "SKIP: ..." or its failure
	[ -n "$ref" ] && echo "$ref"
	exit "$rc"
fi

if [ -z "${EXTRA_MODULE:-}" ]; then
	set -- "$top_build"/ovpn-dco/*.ko
	[ $# -eq 1 ] && [ -f "$1" ] && EXTRA_MODULE=$1
fi
[ -n "${EXTRA_MODULE:-}" ] ||
	echo "note: our module not built in $top_build/ovpn-dco (no kernel headers, or configure without --enable-dco); ours_module_* will skip"
OURS=""
[ -x "$OPENVPN_BIN" ] && OURS=$OPENVPN_BIN
[ -n "$OURS" ] || echo "note: our daemon not built at $OPENVPN_BIN; scenarios that need it will skip"

work=$(mktemp -d "${TMPDIR:-/tmp}/t_vm_dco.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

# the netlink probe of ours_module_netlink_robust (which skips without it);
# benchmarks (*_bench) are not run here but by bench/vm_dco
probe=$work/ovpn_nl_probe
if ! ${CC:-cc} -O2 -o "$probe" "$here/tools/ovpn_nl_probe.c"; then
	echo "note: cannot build tools/ovpn_nl_probe.c; ours_module_netlink_robust will skip"
	probe=""
fi
EXTRA_BINS="${EXTRA_BINS:-} $probe"
export EXTRA_BINS

KVER=$kver REF_MODULE=$ref EXTRA_MODULE=${EXTRA_MODULE:-} OURS=$OURS \
	"$here/mkinitramfs.sh" "$work/initrd.gz"
rc=0
# all scenarios share one boot: give the boot room for all of them (each
# still has its own timeout inside the VM)
VM_TIMEOUT=${VM_TIMEOUT:-1500} KVER=$kver "$here/run.sh" -i "$work/initrd.gz" || rc=$?
exit "$rc"
