#!/bin/sh
# /init of the test VM (busybox sh). Mounts the basics, loads the kernel
# modules every scenario needs, runs the scenarios named on the kernel
# command line (vmtest_scenarios=a,b,c) one after another, and reports
# one line per scenario on the second serial port:
#   VMTEST-RESULT <scenario>: PASS|FAIL <reason>|SKIP <reason>
# Kernel messages are checked after every scenario. Then it powers off.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
export VMTEST_DIR=/vmtest
IP=/usr/sbin/ip
MODPROBE=/sbin/modprobe
RMMOD=/sbin/rmmod

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /tmp /run /root
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
hostname vmtest

RES=/dev/ttyS1
[ -c "$RES" ] || RES=/dev/console
result() { echo "VMTEST-RESULT $*" >"$RES"; }

# per-boot settings from the kernel command line
SCENARIOS=""
SCEN_TIMEOUT=240
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vmtest_scenarios=*) SCENARIOS=$(echo "${arg#*=}" | tr , ' ') ;;
	vmtest_timeout=*) SCEN_TIMEOUT=${arg#*=} ;;
	esac
done

echo "VMTEST-BOOTED $(uname -r)" >"$RES"

# Modules: tunnel and test plumbing, plus the SIMD crypto drivers so the
# kernel picks AES-NI/CLMUL for gcm(aes). A missing one is not fatal here;
# the scenario that needs it fails with a clear message.
$MODPROBE -a tun veth udp_tunnel ip6_udp_tunnel || echo "vmtest: modprobe of base modules failed"
$MODPROBE -q -a aesni_intel ghash_clmulni_intel gcm ccm chacha_x86_64 poly1305_x86_64 \
	chacha20poly1305 sha256_ssse3 sha512_ssse3 2>/dev/null || true
$IP link set lo up

# Fail on kernel trouble: returns the first suspicious line, if any.
KERNEL_BAD='BUG:|WARNING:|Oops|general protection fault|KASAN|UBSAN|refcount_t|Kernel panic|Call Trace'
check_kmsg() { # label
	dmesg -c >"/tmp/kmsg.$1" 2>/dev/null || true
	sed "s/^/KMSG[$1]: /" "/tmp/kmsg.$1" >&2
	grep -E -m 1 "$KERNEL_BAD" "/tmp/kmsg.$1" || true
}

# boot messages are only shown when suspicious (or with VMTEST_VERBOSE=1)
dmesg -c >/tmp/kmsg.boot 2>/dev/null || true
bad=$(grep -E -m 1 "$KERNEL_BAD" /tmp/kmsg.boot || true)
if [ -n "$bad" ] || [ "${VMTEST_VERBOSE:-0}" = 1 ]; then
	sed 's/^/KMSG[boot]: /' /tmp/kmsg.boot >&2
fi
[ -z "$bad" ] || result "boot: FAIL kernel: $bad"

# Kill every user process left behind (except this one); kernel threads
# are children of kthreadd (pid 2).
kill_leftovers() {
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[ "$pid" = 1 ] && continue
		[ "$pid" = 2 ] && continue
		ppid=$(sed -n 's/^PPid:[[:space:]]*//p' "$d/status" 2>/dev/null) || continue
		[ -n "$ppid" ] || continue
		[ "$ppid" = 2 ] && continue
		[ "$ppid" = 0 ] && continue
		kill -KILL "$pid" 2>/dev/null || true
	done
}

# Unload every DCO module shipped in the initramfs (a scenario loads the
# one it wants). A module still busy after its users are gone is a leak.
unload_dco_modules() {
	for ko in /vmtest/modules/*/*.ko; do
		[ -f "$ko" ] || continue
		m=$(basename "$ko" .ko | tr - _)
		[ -d "/sys/module/$m" ] || continue
		i=0
		while ! $RMMOD "$m" 2>/dev/null; do
			i=$((i + 1))
			if [ $i -ge 100 ]; then
				echo "module $m still in use: $(cat "/sys/module/$m/refcnt" 2>/dev/null) references"
				return 1
			fi
			sleep 0.1
		done
	done
	return 0
}

for s in $SCENARIOS; do
	f=/vmtest/scenarios/$s.sh
	if [ ! -f "$f" ]; then
		result "$s: FAIL no such scenario in the initramfs"
		continue
	fi
	echo "=== vmtest: scenario $s"
	start=$(cut -d. -f1 /proc/uptime)
	rc=0
	# TERM first (the scenario's trap cleans up), KILL if that is not enough
	SCENARIO=$s timeout -k 15 "$SCEN_TIMEOUT" sh "$f" >"/tmp/out.$s" 2>&1 </dev/null || rc=$?
	end=$(cut -d. -f1 /proc/uptime)
	sed "s/^/$s| /" "/tmp/out.$s"
	if [ "$rc" -ge 124 ] && [ "$rc" != 77 ]; then
		# killed: its own cleanup may not have shown the logs
		for log in /tmp/"$s".*/*.log; do
			[ -f "$log" ] || continue
			echo "$s| --- last lines of $log:"
			tail -n 25 "$log" | sed "s/^/$s|     /"
		done
	fi
	kill_leftovers
	$IP -all netns delete 2>/dev/null || true
	rm -rf /tmp/"$s".*
	nfail=$(grep -c '^FAIL: ' "/tmp/out.$s" || true)
	case $rc in
	0) status=PASS; why="" ;;
	77)
		status=SKIP
		why=$(grep '^SKIP: ' "/tmp/out.$s" | tail -n 1 | sed 's/^SKIP: //')
		;;
	*)
		status=FAIL
		why=$(grep '^FAIL: ' "/tmp/out.$s" | head -n 1 | sed 's/^FAIL: //')
		[ "$nfail" -le 1 ] || why="$why (and $((nfail - 1)) more)"
		if [ "$rc" -ge 124 ]; then
			why="exit status $rc (timed out after ${SCEN_TIMEOUT}s or killed)${why:+; $why}"
		fi
		[ -n "$why" ] || why="exit status $rc"
		;;
	esac
	if ! busy=$(unload_dco_modules); then
		status=FAIL
		why="${why:+$why; }$busy"
	fi
	bad=$(check_kmsg "$s")
	if [ -n "$bad" ]; then
		status=FAIL
		why="${why:+$why; }kernel: $bad"
	fi
	echo "=== vmtest: scenario $s: $status${why:+ $why} ($((end - start)) s)"
	result "$s: $status${why:+ $why}"
done

echo "VMTEST-DONE" >"$RES"
sync
poweroff -f
