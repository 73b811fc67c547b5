#!/bin/sh
# build.sh SRC OUT [clean]: build ovpn-dco-v2.ko from the module source in
# SRC, in OUT (a copy when OUT is another directory, as in VPATH builds).
# Kernel headers: $KERNEL_SRC, else the running kernel's build directory,
# else the newest /usr/src/linux-headers-* with a Module.symvers. Without
# headers the module is skipped with a note, not an error.
set -eu
src=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)

if [ "${3:-}" = clean ]; then
	if [ "$src" != "$out" ]; then
		rm -rf "$out"
	else
		find "$out" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o \
			-name '*.mod.c' -o -name '.*.cmd' -o -name modules.order -o \
			-name Module.symvers \) -exec rm -f {} +
	fi
	exit 0
fi

ksrc=${KERNEL_SRC:-}
if [ -z "$ksrc" ]; then
	for d in "/lib/modules/$(uname -r)/build" \
		$(ls -d /usr/src/linux-headers-* 2>/dev/null | sort -rV); do
		if [ -f "$d/Makefile" ] && [ -f "$d/Module.symvers" ]; then
			ksrc=$d
			break
		fi
	done
fi
if [ -z "$ksrc" ] || [ ! -f "$ksrc/Makefile" ]; then
	echo "ovpn-dco: no kernel headers found (set KERNEL_SRC=...); kernel module not built"
	exit 0
fi
if [ "$src" != "$out" ]; then
	cp -R "$src"/. "$out"/
	chmod -R u+w "$out"
fi
echo "ovpn-dco: building ovpn-dco-v2.ko against $ksrc"
${MAKE:-make} -C "$out" KERNEL_SRC="$ksrc"
