#!/bin/sh
# Build every libFuzzer harness in tests/fuzz/ with ASan + UBSan and run each
# for a bounded time on a scratch copy of its seed corpus.
#
#   tests/fuzz/run.sh [SECONDS]      seconds per harness (default 30); 0 only
#                                    builds (and, with FUZZ_COVERAGE, reports
#                                    on the corpora already in FUZZ_OUT)
#
# Environment:
#   FUZZ_ONLY="config addr"   run only these harnesses
#   FUZZ_OUT=DIR              keep builds, corpora and logs in DIR
#                             (default: a temporary directory, removed when
#                             nothing failed)
#   FUZZ_JOBS=N               run N harnesses at the same time (default 1)
#   FUZZ_COVERAGE=1           afterwards, replay each final corpus through a
#                             coverage build and print line coverage of the
#                             parser's own sources (needs llvm-profdata and
#                             llvm-cov of the same LLVM version)
#   CC=clang-NN               compiler (default clang)
#
# Builds from the sources directly: no configure, nothing written to the
# tree. Every src/openvpn/*.c but main.c goes into one static archive, so a
# harness links exactly the objects it needs, whatever the sources depend on
# today; the build log names them. Exit status: 0 all clean, 1 a crash, leak,
# timeout or build failure (reproducer and log kept in FUZZ_OUT), 77 when
# clang or libFuzzer is missing (Debian: apt-get install clang
# libclang-rt-14-dev).
set -u

secs=${1:-30}
case $secs in
''|*[!0-9]*) echo "usage: $0 [seconds-per-harness]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
src=$top/src/openvpn
cc=${CC:-clang}
jobs=${FUZZ_JOBS:-1}

all="config options reliable_pkt reliable tls_wrap keymethod crypto keyfile addr
	ccd push comp mss pool_persist dco_nl tls_cipher tls_crypt_v2 cert_opts management"
names=${FUZZ_ONLY:-$all}

# Largest input worth trying, per harness.
harness_max_len() {
	case $1 in
	options|config|ccd) echo 8192 ;;
	push) echo 16384 ;;
	comp) echo 9300 ;;
	pool_persist) echo 4096 ;;
	dco_nl) echo 1024 ;;
	keymethod) echo 2200 ;;
	tls_wrap|crypto|reliable) echo 16384 ;;
	keyfile|tls_crypt_v2) echo 4096 ;;
	management) echo 8192 ;;
	*) echo 2100 ;;
	esac
}

# The sources a harness is about, for the FUZZ_COVERAGE report.
harness_targets() {
	case $1 in
	options) echo "options.c option_table.c" ;;
	reliable_pkt|reliable) echo "reliable.c" ;;
	tls_wrap) echo "tls_wrap.c packet_id.c" ;;
	tls_crypt_v2) echo "tls_crypt_v2.c tls_wrap.c" ;;
	keymethod) echo "ssl_keymethod.c" ;;
	crypto) echo "crypto.c packet_id.c" ;;
	ccd) echo "options.c option_table.c option_server.c" ;;
	push) echo "push.c options.c option_table.c" ;;
	comp) echo "comp.c" ;;
	management) echo "management_cmd.c config.c" ;;
	pool_persist) echo "pool.c" ;;
	dco_nl) echo "dco_linux.c" ;;
	tls_cipher) echo "ssl_ciphers.c" ;;
	*) echo "$1.c" ;;
	esac
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

command -v "$cc" >/dev/null 2>&1 || skip "$cc not found (Debian: apt-get install clang)"

if [ -n "${FUZZ_OUT:-}" ]; then
	out=$FUZZ_OUT
	mkdir -p "$out" || exit 1
	keep=1
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/fuzz.XXXXXX") || exit 1
	keep=0
fi

# libFuzzer ships in compiler-rt; an empty harness tells whether it links.
probe=$out/probe
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ return 0; }\n' \
	>"$probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
	[ $keep = 1 ] || rm -rf "$out"
	skip "$cc cannot link -fsanitize=fuzzer,address,undefined (Debian: apt-get install libclang-rt-14-dev, matching the clang version)"
fi

version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$top/configure.ac")
cat >"$out/buildconf.h" <<EOF
/* Written by tests/fuzz/run.sh: what configure would define. */
#define PACKAGE_NAME "openvpn-ng"
#define PACKAGE_VERSION "${version:-0.0.0}"
#define PACKAGE_STRING "openvpn-ng ${version:-0.0.0}"
EOF

# The typo suggestion for unknown options (an edit distance against the
# whole option table) would otherwise take most of the time of every
# options input under comparison tracing.
echo 'fun:edit_distance' >"$out/options.ignorelist"

incs="-I$out -I$src -I$top/src/compat -I$here $(pkg-config --cflags libnl-3.0 2>/dev/null)"
# shellcheck disable=SC2086 # word splitting of flag lists is intended throughout
fuzzflags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
	-Wall -Wextra -Wno-unused-parameter $incs"
covflags="-g -O0 -std=gnu11 -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping $incs"
# lz4 for comp.c, libnl for dco_linux.c (the DCO parsers); whatever else a harness pulls in that needs a library
# shows up as a link error.
libs="-lssl -lcrypto $(pkg-config --libs liblz4 2>/dev/null || echo -llz4)
	$(pkg-config --libs libnl-genl-3.0 libnl-route-3.0 2>/dev/null)"
ncpu=$(nproc 2>/dev/null || echo 2)

# archive VARIANT FLAGS: compile the daemon's sources into VARIANT/libcore.a.
# A file that does not compile is left out with a note; it only matters if
# a harness needs it, and then its link fails and says what is missing.
archive() {
	dir=$out/$1
	flags=$2
	mkdir -p "$dir/obj"
	n=0
	for f in "$src"/*.c; do
		b=$(basename "$f" .c)
		[ "$b" = main ] && continue
		extra=""
		[ "$b" = options ] && [ "$1" = fuzz ] &&
			extra="-fno-inline -fsanitize-coverage-ignorelist=$out/options.ignorelist"
		# shellcheck disable=SC2086
		{ $cc $flags $extra -c "$f" -o "$dir/obj/$b.o" >"$dir/obj/$b.log" 2>&1 ||
			{ rm -f "$dir/obj/$b.o"; echo "note: $b.c does not compile, left out" \
				"(see $dir/obj/$b.log)"; }; } &
		n=$((n + 1))
		[ $((n % ncpu)) = 0 ] && wait
	done
	wait
	rm -f "$dir/libcore.a"
	ar rcs "$dir/libcore.a" "$dir"/obj/*.o
}

# link_harness NAME VARIANT FLAGS
link_harness() {
	name=$1
	dir=$out/$2
	extra=""
	[ "$name" = options ] && extra="-Wl,--wrap=config_read_file"
	# shellcheck disable=SC2086
	$cc $3 $extra "$here/fuzz_$name.c" "$dir/libcore.a" $libs -Wl,-Map="$dir/$name.map" \
		-o "$dir/fuzz_$name" >"$dir/$name.link.log" 2>&1 || {
		cat "$dir/$name.link.log"
		return 1
	}
	# The archive members the linker took, for the log.
	sed -n 's/^[^ ]*libcore\.a(\([^)]*\)\.o).*/\1.c/p' "$dir/$name.map" | sort -u | tr '\n' ' '
}

run_one() {
	name=$1
	corpus=$out/corpus/$name
	log=$out/$name.log
	mkdir -p "$corpus" "$out/artifacts/$name"
	if [ -d "$here/corpus/$name" ]; then
		cp "$here/corpus/$name"/* "$corpus"/ 2>/dev/null
	fi
	dict=""
	case $name in
	options|config|ccd)
		# option names from the table, and the spellings of the language
		{ sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", ".*/"\1"/p' "$src/option_table.c"
		  cat "$here/config.dict"; } >"$out/$name.dict"
		dict="-dict=$out/$name.dict" ;;
	*) [ -f "$here/$name.dict" ] && dict="-dict=$here/$name.dict" ;;
	esac
	# shellcheck disable=SC2086
	ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$out/fuzz/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(harness_max_len "$name")" -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$name/" $dict "$corpus" >"$log" 2>&1
	echo $? >"$out/$name.rc"
}

summary() {
	name=$1
	rc=$(cat "$out/$name.rc" 2>/dev/null || echo 1)
	log=$out/$name.log
	execs="" rate="" cov="" ft="" corp=""
	if [ -f "$log" ]; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
		ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | sed 's/ft: //')
		corp=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | sed 's/corp: //')
	fi
	status=ok
	if [ "$rc" != 0 ]; then
		status="FAILED (exit $rc)"
		[ -f "$log" ] || status="FAILED (build)"
		art=$(find "$out/artifacts/$name" -type f 2>/dev/null | head -n 1)
		[ -n "$art" ] && status="$status: $art"
	fi
	printf '%-13s %10s %8s %6s %7s %6s  %s\n' "$name" "${execs:-?}" "${rate:-?}" \
		"${cov:-?}" "${ft:-?}" "${corp:-?}" "$status"
	[ "$rc" = 0 ]
}

# Line coverage of the target sources reached by the final corpus.
coverage() {
	name=$1
	profdata=${LLVM_PROFDATA:-llvm-profdata}
	llvmcov=${LLVM_COV:-llvm-cov}
	link_harness "$name" cov "$covflags" >/dev/null || {
		echo "$name: coverage build failed"
		return
	}
	LLVM_PROFILE_FILE="$out/cov/$name.profraw" "$out/cov/fuzz_$name" -runs=0 \
		"$out/corpus/$name" >"$out/cov/$name.log" 2>&1
	"$profdata" merge -sparse "$out/cov/$name.profraw" -o "$out/cov/$name.profdata" &&
	for t in $(harness_targets "$name"); do
		"$llvmcov" report "$out/cov/fuzz_$name" -instr-profile="$out/cov/$name.profdata" \
			"$src/$t" 2>/dev/null |
			awk -v h="$name" -v f="$t" '$1 ~ /\.c$/ {
				printf "%-13s %-18s lines %7s of %5d   functions %7s   branches %7s\n",
					h, f, $10, $8, $7, $13 }'
	done
}

failed=0
for name in $names; do
	if [ ! -f "$here/fuzz_$name.c" ]; then
		echo "unknown harness '$name' (known: $all)" >&2
		failed=1
	fi
done

echo "compiling src/openvpn into $out/fuzz/libcore.a"
archive fuzz "$fuzzflags"
for name in $names; do
	[ -f "$here/fuzz_$name.c" ] || continue
	if links=$(link_harness "$name" fuzz "$fuzzflags"); then
		echo "fuzz_$name: $links"
	else
		echo "$links" >&2
		echo "fuzz_$name: build failed" >&2
		echo 1 >"$out/$name.rc"
		failed=1
	fi
done

if [ "$secs" -gt 0 ]; then
	echo "running each harness for ${secs}s ($jobs at a time), output in $out"
	running=0
	for name in $names; do
		[ -x "$out/fuzz/fuzz_$name" ] || continue
		run_one "$name" &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait
			running=0
		fi
	done
	wait

	echo
	printf '%-13s %10s %8s %6s %7s %6s  %s\n' harness execs exec/s cov ft corpus status
	for name in $names; do
		[ -f "$here/fuzz_$name.c" ] || continue
		summary "$name" || failed=1
	done
else
	# Nothing runs: the seeds join whatever corpus FUZZ_OUT already holds.
	for name in $names; do
		mkdir -p "$out/corpus/$name"
		cp "$here/corpus/$name"/* "$out/corpus/$name"/ 2>/dev/null
	done
fi

if [ -n "${FUZZ_COVERAGE:-}" ]; then
	echo
	echo "line coverage of the final corpora:"
	archive cov "$covflags" >/dev/null
	for name in $names; do
		[ -d "$out/corpus/$name" ] && [ -f "$here/fuzz_$name.c" ] && coverage "$name"
	done
fi

if [ $failed = 0 ] && [ $keep = 0 ]; then
	rm -rf "$out"
elif [ $failed != 0 ]; then
	echo
	echo "failures: logs and reproducers are in $out" >&2
	echo "reproduce: $out/fuzz/fuzz_NAME ARTIFACT (FUZZ_TRACE=1 FUZZ_VERBOSE=1 say more)" >&2
fi
exit $failed
