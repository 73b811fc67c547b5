#!/bin/bash
# Every option in the daemon's option table has exactly one man page entry,
# and the entry of an option the daemon refuses says why.
#
# The option list comes from `openvpn --help`, which prints every row of the
# option table, with "[not supported yet]", "[Windows only]" or "[removed]"
# after the rows whose handler only rejects.
#
# The convention for the man page sources (stated in doc/openvpn.8.rst): in
# the files that doc/openvpn.8.rst includes, an entry is a line that starts
# in column 1 with "--NAME" followed by a space and the arguments (exactly
# when `openvpn --help` shows arguments for it) or the end of the line; its
# text is the indented block below it, up to the next line that starts in
# column 1. A refused option's text contains "Not supported yet by this
# version", "Windows only" or "Removed in OpenVPN", matching its status; a
# working option's text contains none of these.
#
# A working option's text also states its default after "Default:" (the
# same wording everywhere, also for flags, where it is usually "Default:
# off.") and shows an example: "Example" or "Examples", followed later by
# "::" (no other "::" in between), which ends the sentence that introduces
# the literal block. Refused options need neither.
#
# Exit status: 0 all good, 1 a problem (each one listed), 99 cannot run.
set -u
set -o pipefail

OPENVPN_BIN=${OPENVPN_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/src/openvpn/openvpn}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAIN_RST=$TOP_SRCDIR/doc/openvpn.8.rst

hard_error() { echo "ERROR: $*"; exit 99; }

[ -x "$OPENVPN_BIN" ] || hard_error "daemon not built at $OPENVPN_BIN"
[ -f "$MAIN_RST" ] || hard_error "man page source missing: $MAIN_RST"

work=$(mktemp -d "${TMPDIR:-/tmp}/t_man_options.XXXXXX") || hard_error "mktemp failed"
trap 'rm -rf "$work"' EXIT

# ---- the options: "name<TAB>status<TAB>args" ---------------------------------
# status "ok" for working ones; args "yes" when --help shows arguments.
"$OPENVPN_BIN" --help >"$work/help" 2>&1 || hard_error "'$OPENVPN_BIN --help' failed"
awk '
	/^  --[a-z0-9]/ {
		name = $1; sub(/^--/, "", name)
		status = "ok"
		if ($0 ~ /\[not supported yet\]$/) status = "notyet"
		else if ($0 ~ /\[Windows only\]$/) status = "windows"
		else if ($0 ~ /\[removed\]$/) status = "removed"
		rest = $0
		sub(/^  --[a-z0-9-]+ */, "", rest)
		sub(/ *\[(not supported yet|Windows only|removed)\]$/, "", rest)
		print name "\t" status "\t" (rest == "" ? "no" : "yes")
	}' "$work/help" | sort >"$work/options"
n_options=$(wc -l <"$work/options")
# A --help format change must not make the test pass vacuously.
[ "$n_options" -ge 100 ] || hard_error "only $n_options options parsed from --help; has its format changed?"

# ---- the man page files: the top-level file's includes -------------------
doc_dir=$(dirname "$MAIN_RST")
files=()
while read -r inc; do
	[ -f "$doc_dir/$inc" ] || hard_error "$MAIN_RST includes $inc, which does not exist"
	files+=("$doc_dir/$inc")
done < <(sed -n 's/^\.\. include:: *//p' "$MAIN_RST")
[ "${#files[@]}" -gt 0 ] || hard_error "$MAIN_RST includes no sections"

# ---- the entries: "name<TAB>file:line<TAB>marker<TAB>default<TAB>example<TAB>args"
# marker: notyet, windows, removed, ok (no marker) or mixed (several);
# default, example and args (the entry line names arguments): "yes" or "no".
awk '
	function flush() {
		if (name == "")
			return
		gsub(/[ \t]+/, " ", body)
		m = ""
		if (index(body, "Not supported yet by this version")) m = m "notyet "
		if (index(body, "Windows only")) m = m "windows "
		if (index(body, "Removed in OpenVPN")) m = m "removed "
		if (m == "") m = "ok"
		else if (split(m, parts, " ") > 2) m = "mixed"
		else sub(/ $/, "", m)
		def = index(body, "Default:") ? "yes" : "no"
		ex = match(body, /Examples?([^:]|:[^:])*::/) ? "yes" : "no"
		print name "\t" where "\t" m "\t" def "\t" ex "\t" args
		name = ""
	}
	FNR == 1 { flush() }
	/^--[a-z0-9][a-z0-9-]*( |$)/ {
		flush()
		name = $1; sub(/^--/, "", name)
		where = FILENAME ":" FNR
		args = NF > 1 ? "yes" : "no"
		body = ""
		next
	}
	/^[^ \t]/ { flush(); next }
	{ if (name != "") body = body " " $0 }
	END { flush() }' "${files[@]}" | sed "s|$doc_dir/||" | sort >"$work/entries"

# ---- compare ----------------------------------------------------------------
problems=0
report() {
	local title=$1 list=$2
	[ -s "$list" ] || return 0
	echo "$title:"
	sed 's/^/    /' "$list"
	problems=$((problems + $(wc -l <"$list")))
}

cut -f1 "$work/entries" | sort -u >"$work/documented"
cut -f1 "$work/options" | sort -u >"$work/known"

comm -23 "$work/known" "$work/documented" | sed 's/^/--/' >"$work/missing"
report "options without a man page entry" "$work/missing"

cut -f1 "$work/entries" | sort | uniq -d |
	while read -r n; do
		printf -- '--%s: %s\n' "$n" "$(awk -F'\t' -v n="$n" '$1 == n { printf "%s ", $2 }' "$work/entries")"
	done >"$work/dups"
report "options with more than one entry" "$work/dups"

comm -13 "$work/known" "$work/documented" |
	while read -r n; do
		awk -F'\t' -v n="$n" '$1 == n { print "--" n " (" $2 ")" }' "$work/entries"
	done >"$work/unknown"
report "entries for options the daemon does not know" "$work/unknown"

# status in --help versus the marker phrase in the entry
awk -F'\t' '
	function phrase(s) {
		if (s == "notyet") return "\"Not supported yet by this version\""
		if (s == "windows") return "\"Windows only\""
		if (s == "removed") return "\"Removed in OpenVPN\""
		return "none of the refusal phrases"
	}
	NR == FNR { status[$1] = $2; next }
	($1 in status) && status[$1] != $3 {
		printf "--%s (%s): should contain %s\n", $1, $2, phrase(status[$1])
	}' "$work/options" "$work/entries" >"$work/status" || hard_error "awk failed"
report "entries whose text does not match the option's status" "$work/status"

# the entry line names arguments exactly when the option takes some
awk -F'\t' '
	NR == FNR { args[$1] = $3; next }
	($1 in args) && args[$1] != $6 {
		if (args[$1] == "yes")
			what = "--help shows arguments, the entry line none"
		else
			what = "the entry line shows arguments, --help none"
		printf "--%s (%s): %s\n", $1, $2, what
	}' "$work/options" "$work/entries" >"$work/args" || hard_error "awk failed"
report "entries whose first line does not match the option's arguments" "$work/args"

# working options: a default and an example
awk -F'\t' '
	NR == FNR { status[$1] = $2; next }
	status[$1] == "ok" && ($4 != "yes" || $5 != "yes") {
		what = $4 != "yes" ? "no \"Default:\"" : ""
		if ($5 != "yes") what = what (what == "" ? "" : ", ") "no example (\"Example...::\")"
		printf "--%s (%s): %s\n", $1, $2, what
	}' "$work/options" "$work/entries" >"$work/incomplete" || hard_error "awk failed"
report "entries of working options without a default or an example" "$work/incomplete"

n_documented=$(comm -12 "$work/known" "$work/documented" | wc -l)
n_ok=$(awk -F'\t' '$2 == "ok"' "$work/options" | wc -l)
echo "man page documents $n_documented of $n_options options ($n_ok working, $((n_options - n_ok)) refused) in ${#files[@]} section files"
if [ "$problems" -gt 0 ]; then
	echo "FAIL: $problems problem(s); see the convention at the top of $0"
	exit 1
fi
echo "PASS: every option has exactly one entry that matches its status; every working one states its default and shows an example"
exit 0
