#!/bin/sh
# Boot the test VM once (qemu, TCG) and run scenarios in it.
#
#   run.sh -i INITRD [-t SECS] [SCENARIO...]
#
# SCENARIO is a name from tests/vm/scenarios (without .sh); default: all
# but the benchmarks (*_bench, run by bench/vm_dco).
# Environment:
#   KVER / KERNEL        guest kernel (default: newest usable /boot/vmlinuz-*-amd64)
#   VM_TIMEOUT           whole-VM timeout in seconds (default 600)
#   VM_SCENARIO_TIMEOUT  per-scenario timeout inside the VM (default 240)
#   VM_MEM, VM_SMP       guest memory (MB) and CPUs (default 1024, 2)
#   VM_OUT               directory for console.log/results.log (default: temp,
#                        removed when everything passed)
#   VM_VERBOSE=1         print the whole console; scenarios also show logs
#   QEMU                 qemu binary (default qemu-system-x86_64)
#   VM_APPEND            more NAME=value words for the guest kernel command
#                        line (they reach the scenarios' environment)
# Exit status: 0 all passed (skips allowed), 1 any failure, 77 all skipped.
set -eu
. "$(dirname "$0")/common.sh"

INITRD=${INITRD:-}
VM_TIMEOUT=${VM_TIMEOUT:-600}
while getopts i:t: o; do
	case $o in
	i) INITRD=$OPTARG ;;
	t) VM_TIMEOUT=$OPTARG ;;
	*) echo "usage: $0 -i INITRD [-t SECS] [SCENARIO...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ -z "$INITRD" ] || [ ! -f "$INITRD" ]; then
	echo "FAIL: initramfs not given or missing (-i)" >&2
	exit 1
fi

QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null 2>&1 || { echo "SKIP: $QEMU missing (apt-get install qemu-system-x86)"; exit 77; }
if [ -z "${KERNEL:-}" ]; then
	kver=$(vm_pick_kver)
	[ -n "$kver" ] || { echo "SKIP: no guest kernel (apt-get install linux-image-amd64 linux-headers-amd64)"; exit 77; }
	KERNEL=$(vm_kernel_image "$kver")
fi
[ -r "$KERNEL" ] || { echo "SKIP: cannot read kernel image $KERNEL"; exit 77; }

if [ $# -gt 0 ]; then
	SCENARIOS=$(for s in "$@"; do basename "$s" .sh; done)
else
	# benchmarks (*_bench) only run when named (bench/vm_dco)
	SCENARIOS=$(for f in "$VM_DIR"/scenarios/*.sh; do
		case $(basename "$f") in
		lib.sh | *_bench.sh) ;;
		*) basename "$f" .sh ;;
		esac
	done)
fi
# shellcheck disable=SC2086,SC2116 # squeeze newlines into spaces
SCENARIOS=$(echo $SCENARIOS)
[ -n "$SCENARIOS" ] || { echo "SKIP: no scenarios"; exit 77; }

if [ -n "${VM_OUT:-}" ]; then
	mkdir -p "$VM_OUT"
	OUT=$VM_OUT
	keep=1
else
	OUT=$(mktemp -d "${TMPDIR:-/tmp}/vmrun.XXXXXX")
	keep=0
fi
CONSOLE=$OUT/console.log
RESULTS=$OUT/results.log
: >"$CONSOLE"
: >"$RESULTS"
cleanup() {
	if [ "$keep" = 0 ]; then rm -rf "$OUT"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

echo "vm: $(basename "$KERNEL"), scenarios: $SCENARIOS"
t0=$(date +%s)
qrc=0
timeout -k 10 "$VM_TIMEOUT" "$QEMU" -accel tcg -cpu max -m "${VM_MEM:-1024}" -smp "${VM_SMP:-2}" \
	-nodefaults -no-user-config -display none -nic none -no-reboot \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 quiet panic=-1 vmtest_scenarios=$(echo "$SCENARIOS" | tr ' ' ,) vmtest_timeout=${VM_SCENARIO_TIMEOUT:-240} VMTEST_VERBOSE=${VM_VERBOSE:-0} ${VM_APPEND:-}" \
	-serial "file:$CONSOLE" -serial "file:$RESULTS" </dev/null || qrc=$?
t1=$(date +%s)
tr -d '\r' <"$RESULTS" >"$RESULTS.txt"
tr -d '\r' <"$CONSOLE" >"$CONSOLE.txt"
[ "${VM_VERBOSE:-0}" = 1 ] && cat "$CONSOLE.txt"

fails=0
passes=0
skips=0
lines=""
add() { lines="$lines$*
"; }
for s in $SCENARIOS; do
	r=$(grep "^VMTEST-RESULT $s: " "$RESULTS.txt" | tail -n 1 | sed "s/^VMTEST-RESULT $s: //")
	case $r in
	PASS*) passes=$((passes + 1)); add "  PASS $s" ;;
	SKIP*) skips=$((skips + 1)); add "  SKIP $s: ${r#SKIP }" ;;
	FAIL*) fails=$((fails + 1)); add "  FAIL $s: ${r#FAIL }" ;;
	*) fails=$((fails + 1)); add "  FAIL $s: no result (VM crashed, hung or timed out)" ;;
	esac
done
# results not tied to a scenario (e.g. kernel trouble at boot)
other=$(grep '^VMTEST-RESULT ' "$RESULTS.txt" | grep -v -E "^VMTEST-RESULT ($(echo "$SCENARIOS" | tr ' ' '|')): " || true)
if [ -n "$other" ]; then
	fails=$((fails + 1))
	add "$(echo "$other" | sed 's/^VMTEST-RESULT /  FAIL /')"
fi
grep -q '^VMTEST-BOOTED' "$RESULTS.txt" || { fails=$((fails + 1)); add "  FAIL: the VM did not boot to /init"; }
grep -q '^VMTEST-DONE' "$RESULTS.txt" || { fails=$((fails + 1)); add "  FAIL: the VM did not finish (qemu exit status $qrc)"; }
# kernel trouble anywhere on the console: printk lines and /init's dmesg dumps
bad=$(grep -E '^(\[ *[0-9]+\.[0-9]+\]|KMSG\[)' "$CONSOLE.txt" |
	grep -E 'BUG:|WARNING:|Oops|general protection fault|KASAN|UBSAN|refcount_t|Kernel panic|Call Trace' |
	head -n 5 || true)
if [ -n "$bad" ]; then
	fails=$((fails + 1))
	add "  FAIL kernel messages:"
	add "$(echo "$bad" | sed 's/^/      /')"
fi

echo "vm: ran in $((t1 - t0)) s"
printf '%s' "$lines"
if [ "$fails" -gt 0 ]; then
	keep=1
	[ "${VM_VERBOSE:-0}" = 1 ] || { echo "--- last console lines:"; tail -n 60 "$CONSOLE.txt"; }
	echo "vm: FAIL ($passes passed, $fails failed, $skips skipped); console and results kept in $OUT"
	exit 1
fi
if [ "$passes" -eq 0 ]; then
	echo "vm: SKIP (all $skips scenario(s) skipped)"
	exit 77
fi
echo "vm: PASS ($passes passed, $skips skipped)"
exit 0
