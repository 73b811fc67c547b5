# Host-side helpers shared by the tests/vm scripts (sourced, POSIX sh).
#
# VM_CACHE   where fetched sources and built modules are kept
#            (default: ${builddir:-.}/tests/vm/cache)
# KVER       guest kernel version; default: the newest /boot/vmlinuz-*-amd64
#            that has matching headers in /usr/src and modules in /lib/modules

# shellcheck disable=SC2034 # used by the scripts sourcing this
VM_DIR=$(cd "$(dirname "$0")" && pwd)
VM_CACHE=${VM_CACHE:-${builddir:-.}/tests/vm/cache}

vm_log() { echo "$(basename "$0"): $*" >&2; }

# Print the guest kernel version, or nothing when no usable kernel exists.
vm_pick_kver() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
		return 0
	fi
	for img in /boot/vmlinuz-*-amd64; do
		[ -e "$img" ] || continue
		v=${img#/boot/vmlinuz-}
		[ -f "/usr/src/linux-headers-$v/Makefile" ] || continue
		[ -d "/lib/modules/$v/kernel" ] || continue
		echo "$v"
	done | sort -V | tail -n 1
}

vm_kernel_image() { echo "/boot/vmlinuz-$1"; }
